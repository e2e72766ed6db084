import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireBinary } from '@brainbytes/testkit/binaries';
import { readScrape } from '@brainbytes/testkit/exposition';
import {
  type RunningProcess,
  startGatewayProcess,
  startOfficialGateway,
} from '@brainbytes/testkit/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './helpers/http';

/**
 * The most used Pushgateway client, client_golang's push package, with its default (the protobuf
 * delimited format) and the text format, against the official gateway and ours: the scrapes must
 * agree. Built from Debian's packages in GOPATH mode, with no network.
 */
const run = promisify(execFile);
const GOPATH = '/usr/share/gocode';
const OWN = /^(go_|process_|promhttp_|pushgateway_|nodejs_|push_(failure_)?time_seconds)/;

let official: RunningProcess;
let ours: RunningProcess;
let pusher: string;

beforeAll(async () => {
  const go = requireBinary('go', 'golang-go');
  requireBinary('prometheus-pushgateway', 'prometheus-pushgateway');
  const out = join(tmpdir(), 'bb-go-pusher');
  mkdirSync(out, { recursive: true });
  pusher = join(out, 'pusher');
  await run(go, ['build', '-o', pusher, '.'], {
    cwd: join(import.meta.dirname, 'go-pusher'),
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH,
      GOFLAGS: '-mod=mod',
      GOCACHE: join(out, 'cache'),
      GOPROXY: 'off',
    },
  }).catch((error: Error & { stderr?: string }) => {
    throw new Error(
      `building the Go pusher failed (is golang-github-prometheus-client-golang-dev installed?): ${error.stderr ?? error.message}`,
    );
  });
  [official, ours] = await Promise.all([
    startOfficialGateway(),
    startGatewayProcess({ PUSHGATEWAY_PERSISTENCE: 'memory' }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([official?.stop(), ours?.stop()]);
});

async function push(gateway: RunningProcess, format: 'protobuf' | 'text', histogram: 'classic' | 'native') {
  return run(pusher, [gateway.url, 'nightly_import', format, histogram]).then(
    () => ({ ok: true, stderr: '' }),
    (error: { stderr?: string }) => ({ ok: false, stderr: error.stderr ?? '' }),
  );
}

async function scrape(gateway: RunningProcess) {
  const reply = await request(gateway.url, { method: 'GET', path: '/metrics' });
  expect(reply.status).toBe(200);
  const parsed = readScrape(reply.body, (name) => !OWN.test(name));
  return {
    samples: [...parsed.samples].map(([key, value]) => `${key} ${value}`).sort(),
    types: Object.fromEntries(parsed.types),
    helps: Object.fromEntries(parsed.helps),
  };
}

async function wipe(gateway: RunningProcess) {
  expect((await request(gateway.url, { method: 'PUT', path: '/api/v1/admin/wipe' })).status).toBe(202);
}

describe('client_golang’s push package against the official gateway and ours', () => {
  for (const format of ['protobuf', 'text'] as const) {
    it(`${format === 'protobuf' ? 'the default (protobuf delimited)' : 'the text format'}: every metric type, the same scrape`, async () => {
      for (const gateway of [official, ours]) {
        await wipe(gateway);
        const result = await push(gateway, format, 'classic');
        expect(result.stderr, gateway === ours ? 'ours' : 'official').toBe('');
      }
      const [theirs, mine] = await Promise.all([scrape(official), scrape(ours)]);
      expect(mine.samples).toHaveLength(14); // 2 counters, a gauge, 4 summary, 6 histogram and 1 untyped samples
      expect(mine.samples).toEqual(theirs.samples);
      expect(mine.types).toEqual(theirs.types);
      expect(mine.helps).toEqual(theirs.helps);
      expect(mine.samples).toContain(
        'batch_records_total{instance="runner-1",job="nightly_import",table="students"} 42',
      );
    });
  }

  it('refuses a native histogram with a 415 that says so, and stores nothing of the push (never flattened)', async () => {
    await wipe(ours);
    const result = await push(ours, 'protobuf', 'native');
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('415');
    expect(result.stderr).toContain('batch_duration_seconds is a native histogram');
    expect((await scrape(ours)).samples).toEqual([]);
  });
});
