import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readScrape } from '@brainbytes/testkit/exposition';
import {
  type RunningProcess,
  startGatewayProcess,
  startOfficialGateway,
} from '@brainbytes/testkit/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './helpers/http';

/**
 * Python's client (Debian's python3-prometheus-client) against the official gateway and ours:
 * push, pushadd and delete, a base64 grouping value, basic auth; the scrapes must agree.
 */
const run = promisify(execFile);
const PYTHON = '/usr/bin/python3'; // Debian's, with its dist-packages (not a pyenv on PATH)
const LIBRARY = '/usr/lib/python3/dist-packages/prometheus_client';
const SCRIPT = join(import.meta.dirname, 'python-pusher', 'push.py');
const OWN = /^(go_|process_|promhttp_|pushgateway_|nodejs_|python_|push_(failure_)?time_seconds)/;

let official: RunningProcess;
let ours: RunningProcess;
let guarded: RunningProcess;

beforeAll(async () => {
  if (!existsSync(LIBRARY)) {
    const hint =
      'python3-prometheus-client is not installed: run  sudo apt-get install -y python3-prometheus-client';
    console.error(`\n*** MISSING PACKAGE *** ${hint}\n`);
    throw new Error(hint);
  }
  [official, ours, guarded] = await Promise.all([
    startOfficialGateway(),
    startGatewayProcess({ PUSHGATEWAY_PERSISTENCE: 'memory' }),
    startGatewayProcess({
      PUSHGATEWAY_PERSISTENCE: 'memory',
      PUSHGATEWAY_PUSH_CREDENTIALS: 'push:python-secret',
      PUSHGATEWAY_SCRAPE_CREDENTIALS: 'prometheus:scrape-secret',
    }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([official?.stop(), ours?.stop(), guarded?.stop()]);
});

const python = (gateway: RunningProcess, ...args: string[]) =>
  run(PYTHON, [SCRIPT, gateway.url.replace('http://', ''), ...args]).then(
    () => '',
    (error: { stderr?: string }) => error.stderr ?? 'failed',
  );

async function scrape(gateway: RunningProcess, headers: Record<string, string> = {}) {
  const reply = await request(gateway.url, { method: 'GET', path: '/metrics', headers });
  expect(reply.status).toBe(200);
  const parsed = readScrape(reply.body, (name) => !OWN.test(name));
  return {
    // `_created` is when each run of the script made the metric: compare that it is there.
    samples: [...parsed.samples]
      .map(([key, value]) => `${key} ${/_created\{/.test(key) ? 'set' : value}`)
      .sort(),
    types: Object.fromEntries(parsed.types),
    helps: Object.fromEntries(parsed.helps),
  };
}

describe('prometheus_client (Python) against the official gateway and ours', () => {
  it('push, pushadd and delete with a base64 grouping value: the same scrape after each', async () => {
    const after: Record<string, unknown> = {};
    for (const action of ['push', 'pushadd', 'delete']) {
      for (const gateway of [official, ours]) expect(await python(gateway, action), action).toBe('');
      const [theirs, mine] = await Promise.all([scrape(official), scrape(ours)]);
      expect(mine, action).toEqual(theirs);
      after[action] = mine.samples.length;
    }
    // 2 counters (+ _created), a gauge, summary and histogram series; then one more gauge; then none.
    expect(after.push).toBeGreaterThan(10);
    expect(after.pushadd).toBe(Number(after.push) + 1);
    expect(after.delete).toBe(0);
    expect((await scrape(official)).samples).toEqual([]);
  });

  it('pushes with basic auth through its handler, and is refused without it', async () => {
    expect(await python(guarded, 'push')).toContain('401');
    expect(await python(guarded, 'push', 'push', 'python-secret')).toBe('');
    const { samples } = await scrape(guarded, {
      Authorization: `Basic ${Buffer.from('prometheus:scrape-secret').toString('base64')}`,
    });
    expect(samples).toContain(
      'batch_records_total{instance="runner-1",job="nightly_import",school="Manila/North",table="students"} 42',
    );
  });
});
