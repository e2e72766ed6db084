import { scrape } from '@brainbytes/testkit/exposition';
import { type RunningProcess, startGatewayProcess } from '@brainbytes/testkit/processes';
import { eventually, type OwnRedis, startOwnRedis } from '@brainbytes/testkit/services';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from './helpers/http';

let redis: OwnRedis;
const running: RunningProcess[] = [];
const start = async (env: Record<string, string>) => {
  const gw = await startGatewayProcess({ REDIS_URL: redis.url, ...env });
  running.push(gw);
  return gw;
};
beforeAll(async () => {
  redis = await startOwnRedis();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((gw) => gw.stop('SIGKILL')));
});
afterAll(async () => redis.kill());

const deltaPush = (id: string) => ({
  method: 'POST' as const,
  path: '/metrics/job/api/platform/lambda',
  body: '# TYPE acked_total counter\nacked_total 1\n',
  headers: { 'X-Push-Mode': 'delta', 'X-Push-Id': id },
});
const ACKED = 'acked_total{instance="",job="api",platform="lambda"}';

describe('a poisoned Redis stream', () => {
  it('skips, counts and logs unreadable entries; pushes, scrapes and a new process carry on', async () => {
    const prefix = 'poisoned';
    const env = { PUSHGATEWAY_REDIS_PREFIX: prefix };
    const gw = await start(env);
    expect((await request(gw.url, deltaPush('before'))).status).toBe(200);

    // What anyone with REDIS_URL (the exporter app shares it) or a torn write could leave there.
    const client = new Redis(redis.url);
    await client.xadd(`${prefix}:log`, '*', 'o', 'not json at all');
    await client.xadd(`${prefix}:log`, '*', 'x', 'no operation field');
    await client.xadd(`${prefix}:log`, '*', 'o', '{"kind":"push","time":"yesterday"}');
    await client.quit();

    const started = Date.now();
    expect((await request(gw.url, deltaPush('after'))).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000); // was 503 after 10 s
    const { samples } = await scrape(gw.url);
    expect(samples.get(ACKED)).toBe(2);
    expect(samples.get('pushgateway_persistence_errors_total{operation="load"}')).toBe(3);
    expect(gw.output()).toContain('skipped an unreadable Redis stream entry');
    expect((await request(gw.url, { method: 'GET', path: '/-/ready' })).status).toBe(200);

    // A new process reads past them too (it exited 1 on the first).
    const again = await start(env);
    const fresh = await scrape(again.url);
    expect(fresh.samples.get(ACKED)).toBe(2);
    expect(fresh.samples.get('pushgateway_persistence_errors_total{operation="load"}')).toBe(3);
  });
});

describe('Redis unreachable', () => {
  it('says so on /-/ready (503), answers pushes 503, and recovers by itself when Redis is back', async () => {
    const gw = await start({ PUSHGATEWAY_REDIS_PREFIX: 'unreachable' });
    expect((await request(gw.url, { method: 'GET', path: '/-/ready' })).status).toBe(200);
    await redis.kill();
    const ready = await eventually('/-/ready to fail', async () => {
      const reply = await request(gw.url, { method: 'GET', path: '/-/ready' });
      return reply.status === 503 ? reply : undefined;
    });
    expect(ready.body).toMatch(/not ready: Redis is not connected/);
    expect((await request(gw.url, { method: 'GET', path: '/-/healthy' })).status).toBe(200);
    const push = await request(gw.url, deltaPush('while-down'));
    expect([push.status, push.body]).toEqual([503, expect.stringContaining('retry later')]);

    await redis.start();
    await eventually('/-/ready to recover', async () => {
      const reply = await request(gw.url, { method: 'GET', path: '/-/ready' });
      return reply.status === 200 ? true : undefined;
    });
    expect((await request(gw.url, deltaPush('back'))).status).toBe(200);
  }, 60_000);
});
