import { scrape } from '@brainbytes/testkit/exposition';
import { type RunningProcess, startGatewayProcess } from '@brainbytes/testkit/processes';
import { eventually, type OwnRedis, startOwnRedis } from '@brainbytes/testkit/services';
import { startTcpProxy, type TcpProxy } from '@brainbytes/testkit/tcp-proxy';
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
    expect([push.status, push.body]).toEqual([503, expect.stringContaining('Redis is not connected')]);

    await redis.start();
    await eventually('/-/ready to recover', async () => {
      const reply = await request(gw.url, { method: 'GET', path: '/-/ready' });
      return reply.status === 200 ? true : undefined;
    });
    // Redis came back empty: a push is taken once a gateway has given it a generation again.
    await eventually('a push to be taken again', async () =>
      (await request(gw.url, deltaPush('back'))).status === 200 ? true : undefined,
    );
  }, 60_000);
});

/** Delta pushes from `clients` loops against the gateways in turn until `stop()`; counts the acknowledged. */
function pushLoad(gateways: RunningProcess[], clients: number) {
  let acked = 0;
  let stopped = false;
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; !stopped; i++) {
      const gw = gateways[(c + i) % gateways.length]!;
      const reply = await request(gw.url, deltaPush(`c${c}-${i}`)).catch(() => undefined);
      if (reply?.status === 200) acked++;
      else await new Promise((r) => setTimeout(r, 20));
    }
  });
  return {
    acked: () => acked,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

describe('Redis losing its data', () => {
  it('is re-seeded by the running gateways: no acknowledged push is lost, for them, a newcomer or a restart', async () => {
    const env = { PUSHGATEWAY_REDIS_PREFIX: 'lost' };
    const a = await start(env);
    const b = await start(env);
    const load = pushLoad([a, b], 6);
    await new Promise((r) => setTimeout(r, 1000));
    await redis.kill(); // restarted without persistence: everything in it is gone
    await redis.start();
    await new Promise((r) => setTimeout(r, 1000));
    await load.stop();
    const acked = load.acked();
    expect(acked).toBeGreaterThan(50);

    const client = new Redis(redis.url);
    client.on('error', () => undefined);
    await eventually('a gateway to re-seed Redis', async () =>
      (await client.get('lost:generation'))?.includes('>') ? true : undefined,
    );
    await client.quit();
    const newcomer = await start(env);
    for (const gw of [a, b, newcomer]) {
      const total = (await scrape(gw.url)).samples.get(ACKED);
      expect(total, gw.url).toBeGreaterThanOrEqual(acked); // the newcomer served ~58 % before
    }
    const totals = await Promise.all(
      [a, b, newcomer].map(async (gw) => (await scrape(gw.url)).samples.get(ACKED)),
    );
    expect(new Set(totals).size).toBe(1);
    // A process that read the re-seeded stream before its watch saw the re-seed raised a false one.
    expect(a.output() + b.output()).not.toContain('pushes acknowledged in between are lost');

    // Every process killed within the snapshot interval: the re-seeded snapshot and the stream hold it all.
    await Promise.all(running.splice(0).map((gw) => gw.stop('SIGKILL')));
    const restarted = await start(env);
    expect((await scrape(restarted.url)).samples.get(ACKED)).toBe(totals[0]);
  }, 60_000);
});

describe('Redis losing its data while the gateway that read furthest is away', () => {
  const proxies: TcpProxy[] = [];
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });

  it('waits for that gateway to come back and re-seed: the pushes only it had applied are kept', async () => {
    const env = { PUSHGATEWAY_REDIS_PREFIX: 'away' };
    const [toA, toB] = await Promise.all([startTcpProxy(redis.port), startTcpProxy(redis.port)]);
    proxies.push(toA, toB);
    const a = await start({ ...env, REDIS_URL: `redis://127.0.0.1:${toA.port}` });
    const b = await start({ ...env, REDIS_URL: `redis://127.0.0.1:${toB.port}` });
    for (let i = 0; i < 5; i++) expect((await request(a.url, deltaPush(`both-${i}`))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500)); // each has watched the other alive

    // a stops hearing Redis; b takes (and applies, and acknowledges) 20 pushes that a never reads.
    toA.stall();
    for (let i = 0; i < 20; i++) expect((await request(b.url, deltaPush(`b-${i}`))).status).toBe(200);
    // Redis restarts empty; a is back at once, b only 4 s later (a longer path, a slow reconnect).
    toB.refuse();
    await redis.kill();
    await redis.start();
    toA.open();
    await new Promise((r) => setTimeout(r, 4000));
    toB.open();

    for (const gw of [a, b]) {
      // A scrape answers 503 while the state is being re-seeded, then every acknowledged push.
      const total = await eventually(
        `${gw.url} to serve the re-seeded state`,
        async () => (await scrape(gw.url).catch(() => undefined))?.samples.get(ACKED),
        20_000,
      );
      expect(total, gw.url).toBe(25); // 5 before: a re-seeded from its 5 after 1 s, and b reloaded them
    }
    expect(a.output() + b.output()).not.toContain('pushes acknowledged in between are lost');
    const newcomer = await start(env);
    expect((await scrape(newcomer.url)).samples.get(ACKED)).toBe(25);
  }, 60_000);
});

describe('several gateway processes on one Redis', () => {
  it('expire a delta group at the same point of the stream: their totals never disagree at the TTL boundary', async () => {
    const env = { PUSHGATEWAY_REDIS_PREFIX: 'expiry', PUSHGATEWAY_DELTA_TTL: '1s' };
    const a = await start(env);
    const b = await start(env);
    const disagreements: Array<[number | undefined, number | undefined]> = [];
    for (let round = 0; round < 24; round++) {
      // Pushed again just around the TTL: each process's own 1 s timer used to decide differently.
      await new Promise((r) => setTimeout(r, 900 + ((round * 37) % 200)));
      expect((await request(a.url, deltaPush(`r${round}`))).status).toBe(200);
      const [fromA, fromB] = await Promise.all([scrape(a.url), scrape(b.url)]);
      const pair: [number | undefined, number | undefined] = [
        fromA.samples.get(ACKED),
        fromB.samples.get(ACKED),
      ];
      if (pair[0] !== pair[1]) disagreements.push(pair);
    }
    expect(disagreements).toEqual([]);
  }, 60_000);

  it('refuse to serve, loudly, while their limits differ from the newest process’s', async () => {
    const a = await start({ PUSHGATEWAY_REDIS_PREFIX: 'limits', PUSHGATEWAY_MAX_GROUPS: '3' });
    expect((await request(a.url, deltaPush('a1'))).status).toBe(200);
    const b = await start({ PUSHGATEWAY_REDIS_PREFIX: 'limits', PUSHGATEWAY_MAX_GROUPS: '6' });
    const ready = await eventually('the older process to stop serving', async () => {
      const reply = await request(a.url, { method: 'GET', path: '/-/ready' });
      return reply.status === 503 ? reply.body : undefined;
    });
    expect(ready).toContain('PUSHGATEWAY_MAX_GROUPS is 3 here and 6 there');
    const refused = await request(a.url, deltaPush('a2'));
    expect([refused.status, refused.body]).toEqual([503, expect.stringContaining('PUSHGATEWAY_MAX_GROUPS')]);
    expect(a.output()).toContain('not serving: settings differ');
    expect((await request(b.url, deltaPush('b1'))).status).toBe(200);
    expect((await request(b.url, { method: 'GET', path: '/-/ready' })).status).toBe(200);
  });
});

describe('a full Redis (maxmemory 25mb, noeviction: a heroku-redis:mini)', () => {
  it('trims itself before it fills, answers 503 to a push it cannot make durable, and loses none (40 MB through 25 MB)', async () => {
    const small = await startOwnRedis(['--maxmemory', '25mb', '--maxmemory-policy', 'noeviction']);
    const gw = await startGatewayProcess({ REDIS_URL: small.url, PUSHGATEWAY_REDIS_PREFIX: 'full' });
    running.push(gw);
    try {
      // 4,000 series a push (~100 KB in the stream), always the same ones: the state stays small.
      const body = `# TYPE big_total counter\n${Array.from({ length: 4000 }, (_, i) => `big_total{i="${i}"} 1\n`).join('')}`;
      const push = (id: string) =>
        request(gw.url, {
          method: 'POST',
          path: '/metrics/job/full',
          body,
          headers: { 'X-Push-Mode': 'delta', 'X-Push-Id': id },
        });
      // 400 pushes, 40 MB through a 25 MB Redis, each retried with its id until taken (as our push
      // client does). The old gateway pinned Redis at its ceiling: one push never went through again.
      const PUSHES = 400;
      let refusals = 0;
      for (let i = 0; i < PUSHES; i++) {
        await eventually(`push ${i} to be taken`, async () => {
          const reply = await push(`fill-${i}`);
          if (reply.status === 200) return true;
          expect([reply.status, reply.body]).toEqual([503, expect.stringMatching(/Redis is full/)]);
          refusals++;
          return undefined;
        });
      }
      const acked = PUSHES;
      const client = new Redis(small.url);
      const info = await client.info('memory');
      await client.quit();
      expect(Number(/used_memory:(\d+)/.exec(info)![1])).toBeLessThan(25 * 1024 * 1024);
      console.log(
        `a full Redis: ${PUSHES} pushes of ~100 KB through 25 MB, ${refusals} answered 503 and retried`,
      );
      const { samples } = await scrape(gw.url);
      expect(samples.get('pushgateway_persistence_errors_total{operation="append"}') ?? 0).toBe(refusals);
      expect(samples.get('big_total{i="7",instance="",job="full"}')).toBe(acked);

      await gw.stop('SIGKILL');
      const again = await startGatewayProcess({ REDIS_URL: small.url, PUSHGATEWAY_REDIS_PREFIX: 'full' });
      running.push(again);
      expect((await scrape(again.url)).samples.get('big_total{i="7",instance="",job="full"}')).toBe(acked);
    } finally {
      await small.kill();
    }
  }, 90_000);
});
