import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireBinary } from '@brainbytes/testkit/binaries';
import {
  type RunningProcess,
  startGatewayProcess,
  startOfficialGateway,
} from '@brainbytes/testkit/processes';
import { afterAll, beforeAll } from 'vitest';

const run = promisify(execFile);

export type GoHistogram = 'classic' | 'native' | 'sparse';

/**
 * Builds test/go-pusher (client_golang's push package) from Debian's packages in GOPATH mode, with
 * no network, and returns a function that runs it: `ok` false with Go's error on a refused push.
 */
export async function buildGoPusher() {
  const go = requireBinary('go', 'golang-go');
  const out = join(tmpdir(), 'bb-go-pusher');
  mkdirSync(out, { recursive: true });
  // A binary of its own per test file (they run in parallel: one must not overwrite another's
  // while it runs); the build cache is shared, and Go keeps it safe to share.
  const pusher = join(mkdtempSync(join(out, 'bin-')), 'pusher');
  await run(go, ['build', '-o', pusher, '.'], {
    cwd: join(import.meta.dirname, '..', 'go-pusher'),
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: '/usr/share/gocode',
      GOFLAGS: '-mod=mod',
      GOCACHE: join(out, 'cache'),
      GOPROXY: 'off',
    },
  }).catch((error: Error & { stderr?: string }) => {
    throw new Error(
      `building the Go pusher failed (is golang-github-prometheus-client-golang-dev installed?): ${error.stderr ?? error.message}`,
    );
  });
  return (url: string, format: 'protobuf' | 'text', histogram: GoHistogram, delta = false) =>
    run(pusher, [url, 'nightly_import', format, histogram, ...(delta ? ['delta'] : [])]).then(
      () => ({ ok: true, stderr: '' }),
      (error: { stderr?: string }) => ({ ok: false, stderr: error.stderr ?? '' }),
    );
}

export type GoPusher = Awaited<ReturnType<typeof buildGoPusher>>;

/**
 * For a test file comparing the two gateways under client_golang: the official gateway and ours
 * (in memory) started and the Go pusher built before its tests, both gateways stopped after. The
 * fields are set once `beforeAll` has run.
 */
export function goClientSetup() {
  const setup = {} as { official: RunningProcess; ours: RunningProcess; pusher: GoPusher };
  beforeAll(async () => {
    requireBinary('prometheus-pushgateway', 'prometheus-pushgateway');
    setup.pusher = await buildGoPusher();
    [setup.official, setup.ours] = await Promise.all([
      startOfficialGateway(),
      startGatewayProcess({ PUSHGATEWAY_PERSISTENCE: 'memory' }),
    ]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([setup.official?.stop(), setup.ours?.stop()]);
  });
  return setup;
}
