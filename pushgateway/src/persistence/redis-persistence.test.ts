import type { Logger } from '@brainbytes/telemetry/service';
import { eventually, type OwnRedis, startOwnRedis } from '@brainbytes/testkit/services';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricStore, type StoreOptions } from '../store/metric-store';
import type { Operation } from '../store/types';
import { entryFields, type RedisKeys, redisKeys } from './redis-layout';
import { RedisPersistence } from './redis-persistence';
import { snapshotPieces } from './snapshot';

const options: StoreOptions = {
  groupTtlMs: 0,
  deltaTtlMs: 0,
  maxSeries: 1000,
  maxBytes: 1 << 20,
  maxGroups: 100,
  pushIdWindow: 10,
  pushIdMaxAgeMs: 60_000,
  reservedNames: new Set(),
  parseLimits: { maxSamples: 1000, maxLabelNameLength: 100, maxLabelValueLength: 200 },
};
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const push = (job: string): Operation => ({
  kind: 'push',
  method: 'POST',
  delta: false,
  group: [['job', job]],
  body: 'x 1\n',
  time: 1,
});
const deltaPush = (pushId: string): Operation => ({
  kind: 'push',
  method: 'POST',
  delta: true,
  group: [['job', 'api']],
  body: '# TYPE acked_total counter\nacked_total 1\n',
  time: Date.now(),
  pushId,
});
const open = async (store: MetricStore, prefix: string, logger = quiet) => {
  const persistence = new RedisPersistence(
    store,
    { url: redis.url, prefix, snapshotIntervalMs: 3_600_000 },
    {},
    logger,
  );
  await persistence.open();
  return persistence;
};
const acked = (store: MetricStore) =>
  store.groups.get('job="api"')?.families.get('acked_total')?.metrics.values().next().value?.value;

/**
 * What another process does when it re-seeds a Redis that lost its data (`flush`: the loss itself),
 * in one step: its snapshot, a generation that names the lost one, then the pushes it takes.
 */
async function reseedByAnother(
  keys: RedisKeys,
  lost: string | null,
  snapshot: string[],
  pushes: string[],
  { flush = false } = {},
) {
  const client = new Redis(redis.url);
  const step = client.multi();
  if (flush) step.flushall();
  step.rpush(keys.snapshot, ...snapshot).set(keys.generation, `other>${lost}`);
  for (const id of pushes) step.xadd(keys.log, '*', 'p', 'other', ...entryFields(deltaPush(id)));
  await step.exec();
  await client.quit();
}

/** A gateway process on its own prefix that took 3 pushes, and the generation of the data it knows. */
async function processWithThreePushes(prefix: string, logger = quiet) {
  const keys = redisKeys(prefix);
  const mine = new MetricStore(options);
  const persistence = await open(mine, prefix, logger);
  for (let i = 0; i < 3; i++)
    expect((await persistence.submit(deltaPush(`before-${i}`))).outcome).toBe('applied');
  const admin = new Redis(redis.url);
  const generation = await admin.get(keys.generation);
  await admin.quit();
  return { keys, mine, persistence, generation };
}

let redis: OwnRedis;
beforeAll(async () => {
  redis = await startOwnRedis();
});
afterAll(async () => redis.kill());

describe('a process whose state is not the Redis data’s life any more', () => {
  it('does not write its snapshot over the one another process re-seeded Redis with', async () => {
    const keys = redisKeys('stale');
    const persistence = new RedisPersistence(
      new MetricStore(options),
      { url: redis.url, prefix: 'stale', snapshotIntervalMs: 3_600_000 },
      {},
      quiet,
    );
    await persistence.open();
    try {
      expect((await persistence.submit(push('mine'))).outcome).toBe('applied');
      // Redis lost its data and another process re-seeded it, before this one's watch saw it.
      const theirs = new MetricStore(options);
      theirs.apply(push('theirs'));
      const admin = new Redis(redis.url);
      const reseeded = [...snapshotPieces(theirs, '1-0')];
      await reseedByAnother(keys, await admin.get(keys.generation), reseeded, [], { flush: true });

      // Its snapshot falls due now (or Redis fills up).
      await (persistence as unknown as { maintain(urgent: boolean): Promise<void> }).maintain(true);
      expect(await admin.lrange(keys.snapshot, 0, -1)).toEqual(reseeded);
      await admin.quit();
    } finally {
      await persistence.close();
    }
  });
});

describe('a process reloading the state another process re-seeded Redis with', () => {
  it('applies again the entries it read before it noticed, though it remembers their push ids', async () => {
    const { keys, mine, persistence, generation } = await processWithThreePushes('reloads');
    try {
      // Redis lost its data; another process re-seeded it with the same state and took 5 pushes,
      // which this process's stream reader applies at once, before its watch sees the re-seed.
      const after = Array.from({ length: 5 }, (_, i) => `after-${i}`);
      await reseedByAnother(keys, generation, [...snapshotPieces(mine, '1-0')], after, { flush: true });

      await persistence.sync(); // sees the re-seed, reloads, and reads the stream to its end
      expect(acked(mine)).toBe(8);
    } finally {
      await persistence.close();
    }
  });
});

describe('a process whose Redis restarted empty and was re-seeded while its reader reconnected', () => {
  it('applies nothing of the new stream before it has reloaded: no false alarm of lost pushes, no push lost', async () => {
    const errors: string[] = [];
    const { keys, mine, persistence, generation } = await processWithThreePushes('restarts', {
      ...quiet,
      error: (msg) => errors.push(msg),
    });
    try {
      const position = `${Date.now()}-0`; // as far as this process read, or further
      const reseeded = [...snapshotPieces(mine, position)];

      // Redis restarts empty; another process re-seeds it with the same state and takes 5 pushes at
      // once, which this process's reader, sending its XREAD again, receives first.
      await redis.kill();
      await redis.start();
      const after = Array.from({ length: 5 }, (_, i) => `after-${i}`);
      await reseedByAnother(keys, generation, reseeded, after);

      await eventually('the process to serve the re-seeded state', async () =>
        persistence.sync().then(
          () => true,
          () => undefined,
        ),
      );
      expect(acked(mine)).toBe(8);
      expect(errors).toEqual([]);
    } finally {
      await persistence.close();
    }
  });
});
