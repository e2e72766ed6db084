import type { Logger } from '@brainbytes/telemetry/service';
import { type OwnRedis, startOwnRedis } from '@brainbytes/testkit/services';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys, WATCH_MS } from './redis-layout';
import { connectionFamily, Lineage } from './redis-lineage';

/**
 * The re-seed election, step by step: each process's watch is called by hand, in the order that
 * loses pushes when the election is decided on too little, against a real Redis.
 */
const PREFIX = 'election';
const keys = redisKeys(PREFIX);
let redis: OwnRedis;
const clients: Redis[] = [];
beforeAll(async () => {
  redis = await startOwnRedis();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit()));
  const admin = new Redis(redis.url);
  await admin.flushall();
  await admin.quit();
});
afterAll(async () => redis.kill());

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A gateway process as the lineage sees it: its connection, its place in the stream, what it did. */
async function process(name: string, position: string, { wroteHere = [] as string[] } = {}) {
  const nonce = `${name}-${Math.random().toString(36).slice(2)}`;
  const client = new Redis(redis.url, { connectionName: `${connectionFamily(PREFIX)}${nonce}` });
  clients.push(client);
  const done = { reseeded: 0, reloaded: 0 };
  const host = {
    position: () => position,
    groups: () => 1,
    writeSnapshot: async () => {
      done.reseeded++;
    },
    settingsText: () => '',
    reload: async () => {
      done.reloaded++;
      return '0-0';
    },
    takeWriters: () => new Set(wroteHere.splice(0)),
  };
  const lineage = new Lineage(client, keys, PREFIX, nonce, host, quiet, {});
  /** One watch: what the process reads from Redis, then what it does about it. */
  const watch = async () => lineage.check(await client.get(keys.generation));
  return { nonce, client, lineage, done, watch, connect: () => client.ping() };
}

const aWatchLater = () => new Promise((r) => setTimeout(r, WATCH_MS + 50));

describe('the process that re-seeds a Redis that lost its data', () => {
  it('is the one that read furthest, though it joined after the others last looked and stands late', async () => {
    // a is up and has looked around; b joins (and acknowledges pushes a has not read) before a looks again.
    const a = await process('a', '1000-5');
    await a.lineage.open();
    await a.watch();
    const b = await process('b', '1000-9');
    await b.connect();
    await b.lineage.open();

    const admin = new Redis(redis.url);
    await admin.flushall(); // Redis restarted empty
    await admin.quit();
    await a.watch(); // a stands at once
    await aWatchLater();
    await a.watch(); // a watch later, b is connected but has not stood yet
    expect(a.done.reseeded).toBe(0);

    await b.watch(); // b stands, further than a
    await aWatchLater();
    await a.watch();
    await b.watch();
    expect([a.done.reseeded, b.done.reseeded]).toEqual([0, 1]);
    await a.watch();
    expect(a.done.reloaded).toBe(1);
    expect(a.lineage.generation).toBe(b.lineage.generation);
  });

  it('waits for a process it knows only by the entries it read from it, while that one reconnects', async () => {
    const b = await process('b', '1000-9');
    await b.lineage.open();
    // a started before b, and had read b's first entries but not looked around since b joined.
    const wroteHere: string[] = [b.nonce];
    const a = await process('a', '1000-5', { wroteHere });
    await a.lineage.open();

    const admin = new Redis(redis.url);
    await admin.flushall();
    await admin.quit();
    b.client.disconnect(); // b is away, reconnecting
    await a.watch();
    await aWatchLater();
    await a.watch();
    expect(a.done.reseeded).toBe(0);

    await b.client.connect();
    await b.watch();
    await aWatchLater();
    await a.watch();
    await b.watch();
    expect([a.done.reseeded, b.done.reseeded]).toEqual([0, 1]);
  });
});
