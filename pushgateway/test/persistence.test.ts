import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scrape } from '@brainbytes/testkit/exposition';
import { type RunningProcess, startGatewayProcess } from '@brainbytes/testkit/processes';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { request } from './helpers/http';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const running: RunningProcess[] = [];
const start = async (env: Record<string, string>) => {
  const gw = await startGatewayProcess(env);
  running.push(gw);
  return gw;
};
afterEach(async () => {
  await Promise.all(running.splice(0).map((gw) => gw.stop('SIGKILL')));
});

const counterPush = (id: string) => ({
  method: 'POST' as const,
  path: '/metrics/job/api/platform/lambda',
  body: '# TYPE acked_total counter\nacked_total 1\n',
  headers: { 'X-Push-Mode': 'delta', 'X-Push-Id': id },
});

/** Pushes from `clients` loops until `stop()`; counts the pushes the gateway acknowledged. */
function pushLoad(gw: RunningProcess, clients: number) {
  let acked = 0;
  let sent = 0;
  const ackedGroups: string[] = [];
  let stopped = false;
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; !stopped; i++) {
      sent++;
      try {
        const delta = await request(gw.url, counterPush(`c${c}-${i}`));
        const put = await request(gw.url, {
          method: 'PUT',
          path: `/metrics/job/batch/run/c${c}-${i}`,
          body: `done ${i}\n`,
        });
        if (delta.status === 200) acked++;
        if (put.status === 200) ackedGroups.push(`c${c}-${i}`);
      } catch {
        return; // the gateway died mid-request: that push was never acknowledged
      }
    }
  });
  return {
    stats: () => ({ acked, sent, ackedGroups }),
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

describe('file persistence', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgw-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged push when the process is SIGKILLed in the middle of a push load', async () => {
    const dir = dataDir();
    // A tiny log limit forces snapshots (and log truncation) during the load as well.
    const env = {
      PUSHGATEWAY_PERSISTENCE: 'file',
      PUSHGATEWAY_DATA_DIR: dir,
      PUSHGATEWAY_MAX_LOG_BYTES: '20000',
    };
    const gw = await start(env);
    const load = pushLoad(gw, 8);
    await new Promise((r) => setTimeout(r, 1500));
    gw.child.kill('SIGKILL');
    await load.stop();
    const { acked, sent, ackedGroups } = load.stats();
    expect(acked).toBeGreaterThan(100);

    const again = await start(env);
    const { samples } = await scrape(again.url);
    const total = samples.get('acked_total{instance="",job="api",platform="lambda"}') ?? 0;
    expect(total).toBeGreaterThanOrEqual(acked);
    expect(total).toBeLessThanOrEqual(sent);
    const missing = ackedGroups.filter(
      (run) => !samples.has(`push_time_seconds{instance="",job="batch",run="${run}"}`),
    );
    expect(missing).toEqual([]);
  });

  it('survives SIGTERM with a snapshot, and a retried push id is still recognised after the restart', async () => {
    const dir = dataDir();
    const env = { PUSHGATEWAY_PERSISTENCE: 'file', PUSHGATEWAY_DATA_DIR: dir };
    const gw = await start(env);
    expect((await request(gw.url, counterPush('once'))).status).toBe(200);
    expect(await gw.stop('SIGTERM')).toBe(0);
    expect(fs.existsSync(path.join(dir, 'snapshot.json'))).toBe(true);
    const again = await start(env);
    expect((await request(again.url, counterPush('once'))).status).toBe(200);
    const { samples } = await scrape(again.url);
    expect(samples.get('acked_total{instance="",job="api",platform="lambda"}')).toBe(1);
  });

  it('skips a damaged whole line in the middle of the log and keeps every push after it', async () => {
    const dir = dataDir();
    const env = { PUSHGATEWAY_PERSISTENCE: 'file', PUSHGATEWAY_DATA_DIR: dir };
    const gw = await start(env);
    for (const id of ['a', 'b', 'c']) expect((await request(gw.url, counterPush(id))).status).toBe(200);
    gw.child.kill('SIGKILL');
    await gw.stop();
    const log = path.join(dir, 'operations.jsonl');
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    lines[1] = 'x'.repeat(lines[1]!.length); // push "b"'s line, overwritten by a bad disk block
    fs.writeFileSync(log, lines.join('\n'));
    const again = await start(env);
    const { samples } = await scrape(again.url);
    expect(samples.get('acked_total{instance="",job="api",platform="lambda"}')).toBe(2); // a and c
    expect(samples.get('pushgateway_persistence_errors_total{operation="load"}')).toBe(1);
  });

  it('ignores a torn last line of the log (a push that was never acknowledged)', async () => {
    const dir = dataDir();
    const env = { PUSHGATEWAY_PERSISTENCE: 'file', PUSHGATEWAY_DATA_DIR: dir };
    const gw = await start(env);
    await request(gw.url, counterPush('a'));
    gw.child.kill('SIGKILL');
    await gw.stop();
    fs.appendFileSync(path.join(dir, 'operations.jsonl'), '{"s":2,"o":{"kind":"pu');
    const again = await start(env);
    expect(
      (await scrape(again.url)).samples.get('acked_total{instance="",job="api",platform="lambda"}'),
    ).toBe(1);
    expect((await request(again.url, counterPush('b'))).status).toBe(200);
    await again.stop('SIGKILL');
    const third = await start(env);
    expect(
      (await scrape(third.url)).samples.get('acked_total{instance="",job="api",platform="lambda"}'),
    ).toBe(2);
  });
});

describe('Redis persistence (the real Redis on this machine)', () => {
  const prefixes: string[] = [];
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    for (const prefix of prefixes)
      await redis.del(
        `${prefix}:log`,
        `${prefix}:snapshot`,
        `${prefix}:snapshot-lines`,
        `${prefix}:snapshot-lock`,
      );
    await redis.quit();
  });
  const redisEnv = () => {
    const prefix = `pgw-test-${randomUUID()}`;
    prefixes.push(prefix);
    return { REDIS_URL, PUSHGATEWAY_REDIS_PREFIX: prefix, PUSHGATEWAY_SNAPSHOT_INTERVAL: '1s' };
  };

  it('two processes behind one Redis serve the same exact totals', async () => {
    const env = redisEnv();
    const [a, b] = await Promise.all([start(env), start(env)]);
    const gateways = [a, b];
    const pushes = 400;
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        for (let i = client; i < pushes; i += 8) {
          const reply = await request(gateways[i % 2]!.url, counterPush(`p${i}`));
          expect(reply.status).toBe(200);
        }
      }),
    );
    // A retry of an id applied through the other process is still applied once.
    expect((await request(b.url, counterPush('p0'))).status).toBe(200);
    const [fromA, fromB] = await Promise.all([scrape(a.url), scrape(b.url)]);
    const key = 'acked_total{instance="",job="api",platform="lambda"}';
    expect(fromA.samples.get(key)).toBe(pushes);
    expect(fromB.samples.get(key)).toBe(pushes);
    const mine = (s: typeof fromA) =>
      [...s.samples].filter(([k]) => !/^(process_|nodejs_|pushgateway_)/.test(k));
    expect(mine(fromB)).toEqual(mine(fromA));
  });

  it('a process started later, from the snapshot and the rest of the stream, sees the same state', async () => {
    const env = redisEnv();
    const a = await start(env);
    for (let i = 0; i < 50; i++) expect((await request(a.url, counterPush(`q${i}`))).status).toBe(200);
    await request(a.url, { method: 'PUT', path: '/metrics/job/batch', body: 'rows 42\n' });
    await new Promise((r) => setTimeout(r, 1500)); // a snapshot interval passes
    await request(a.url, counterPush('after-snapshot'));
    const redis = new Redis(REDIS_URL);
    const pieces = await redis.lrange(`${env.PUSHGATEWAY_REDIS_PREFIX}:snapshot-lines`, 0, -1);
    await redis.quit();
    const lines = pieces.join('').split('\n').filter(Boolean);
    expect(lines.filter((line) => line.startsWith('{"group":'))).toHaveLength(2);
    const b = await start(env);
    const { samples } = await scrape(b.url);
    expect(samples.get('acked_total{instance="",job="api",platform="lambda"}')).toBe(51);
    expect(samples.get('rows{instance="",job="batch"}')).toBe(42);
  });
});
