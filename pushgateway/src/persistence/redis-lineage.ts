import { randomUUID } from 'node:crypto';
import type { Logger } from '@brainbytes/telemetry/service';
import type { Redis } from 'ioredis';
import type { PersistenceObserver } from './persistence';
import { compareStreamIds, LOCK_MS, type RedisKeys, WATCH_MS } from './redis-layout';

/**
 * After Redis lost its data, the furthest candidate re-seeds once every process that was alive
 * before the loss has stood (with its position, or as holding nothing), or after this long: a
 * process away from Redis longer than this, that had read further than the re-seeder, says so
 * loudly when it comes back (see `check`).
 */
const RESEED_STAND_MAX_MS = 10_000;
/** How long a process starting on an empty Redis waits for live ones to re-seed it. */
const RESEED_WAIT_MS = RESEED_STAND_MAX_MS + 2000;
/** A candidate's score when it holds no state: it stands so no one waits for it, and never re-seeds. */
const HOLDS_NOTHING = -1;

/** What the lineage needs of the process whose state it keeps alive in Redis. */
export interface LineageHost {
  /** How many groups this process holds. */
  groups(): number;
  /** How far this process has read the stream ('0-0': not at all). */
  position(): string;
  /** Writes this process's state as the Redis snapshot. */
  writeSnapshot(): Promise<unknown>;
  /** The shared settings, put back with a re-seed. */
  settingsText(): string;
  /** Drops this process's copy and reads Redis's; returns the snapshot's position. */
  reload(): Promise<string>;
  /** The processes whose entries this one applied since it last asked. */
  takeWriters(): Set<string>;
}

/** Every process of a prefix names its connections `<family><nonce>`, so CLIENT LIST tells who is alive. */
export const connectionFamily = (prefix: string) => `pushgateway-${prefix.replace(/[^\w.:-]/g, '_')}~`;

/**
 * Which life of the Redis data this process's state belongs to (the generation), and what to do
 * when Redis loses it (restarted without persistence, a failover, FLUSHALL): Redis then has no
 * generation, or a fresh one set by a process that started on the empty Redis. A process that
 * still holds the state re-seeds Redis from it (a snapshot at its position, then a generation
 * naming the one it came from), so no acknowledged push is lost while one process has it; the
 * others reload from it.
 */
export class Lineage {
  /** The generation this process's state belongs to. */
  generation = '';
  private readonly family: string;
  /**
   * The other gateway processes of this prefix known alive before a loss: connected at the last
   * watch, or the writers of entries read since (one that joined less than a watch ago).
   */
  private peers = new Set<string>();
  /** Since when this process is a candidate to re-seed a Redis that lost its data. */
  private candidateSince: number | undefined;
  /** The generation this process wrote when it re-seeded Redis. */
  private reseededAs: string | undefined;

  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    prefix: string,
    private readonly nonce: string,
    private readonly host: LineageHost,
    private readonly logger: Logger,
    private readonly observer: PersistenceObserver,
  ) {
    this.family = connectionFamily(prefix);
  }

  async open() {
    this.generation = await this.openGeneration();
  }

  /** A watch's look at the generation in Redis (`inRedis`): nothing to do while it is ours. */
  async check(inRedis: string | null) {
    if (inRedis === this.generation) {
      const live = await this.liveProcesses();
      if (live) this.peers = live;
      this.meetWriters();
      return;
    }
    const holdsState = this.host.groups() > 0 || this.host.position() !== '0-0';
    if ((inRedis === null || !inRedis.includes('>')) && holdsState) {
      await this.standToReseed();
    } else if (inRedis === null) {
      // Nothing to re-seed from here: wait for the processes that hold state, else start afresh.
      this.generation = await this.openGeneration();
    } else if (inRedis === this.reseededAs) {
      this.generation = inRedis;
    } else {
      // Another process re-seeded: its state may hold entries this one never read before the loss.
      this.logger.warn('Redis was re-seeded by another gateway process; reloading state from it');
      const readHere = this.host.position();
      const seededAt = await this.host.reload();
      if (inRedis.endsWith(`>${this.generation}`) && compareStreamIds(readHere, seededAt) > 0) {
        // It stood too late (away from Redis longer than RESEED_STAND_MAX_MS): say what is gone.
        const error = new Error(
          `this process had read the lost Redis stream up to ${readHere}, further than the process that re-seeded it (${seededAt}): pushes acknowledged in between are lost`,
        );
        this.logger.error(error.message);
        this.observer.onError?.('load', error);
      }
      this.generation = inRedis;
      this.candidateSince = undefined;
    }
  }

  /**
   * The generation of the Redis data. An empty Redis with other gateway processes of this prefix
   * connected has lost its data and those holding state are about to re-seed it: wait for them
   * rather than start a fresh life that would race theirs. Otherwise (no one else, or every other
   * one standing as holding nothing, as when several start together) start one.
   */
  private async openGeneration(): Promise<string> {
    const since = Date.now();
    for (;;) {
      const current = await this.client.get(this.keys.generation);
      if (current !== null) return current;
      await this.stand(HOLDS_NOTHING);
      const others = [...((await this.liveProcesses()) ?? [])].filter((nonce) => nonce !== this.nonce);
      const waited = Date.now() - since;
      if (others.length === 0 || waited > RESEED_WAIT_MS) break;
      // A process holding state stands within a watch or two of seeing Redis empty.
      if (waited > 2 * WATCH_MS) {
        const empty = await this.client.zrangebyscore(this.keys.candidates, HOLDS_NOTHING, HOLDS_NOTHING);
        if (others.every((nonce) => empty.includes(nonce))) break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await this.client.set(this.keys.generation, randomUUID(), 'NX');
    await this.client.zrem(this.keys.candidates, this.nonce);
    return (await this.client.get(this.keys.generation)) ?? '';
  }

  /** The nonces of the gateway processes of this prefix connected to Redis now; undefined if Redis will not say. */
  private async liveProcesses(): Promise<Set<string> | undefined> {
    const clients = await this.client.call('CLIENT', 'LIST').catch(() => undefined);
    if (typeof clients !== 'string') return undefined;
    const live = new Set<string>();
    for (const [, name = ''] of clients.matchAll(/\bname=(\S*)/g)) {
      if (name.startsWith(this.family)) live.add(name.slice(this.family.length));
    }
    return live;
  }

  /**
   * Redis lost its data. No entry is written meanwhile (appends check the generation), so each
   * process's position says how much of the lost stream it read: every process holding state stands
   * as a candidate with its position, and after a watch interval the furthest one re-seeds.
   */
  private async standToReseed() {
    const [ms = 0, seq = 0] = this.host.position().split('-').map(Number);
    await this.stand(ms * 1000 + Math.min(seq, 999));
    this.meetWriters(); // those whose entries were read between the last watch and the loss
    this.candidateSince ??= Date.now();
    const waited = Date.now() - this.candidateSince;
    if (waited < WATCH_MS) return; // let the others stand too
    const ranked = await this.client.zrevrange(this.keys.candidates, 0, -1);
    const live = await this.liveProcesses();
    // Any process alive before the loss, or connected now, may have read furthest: each must stand
    // (a reconnecting one, or one whose watch comes later than this one's), for a while.
    const expected = new Set([...this.peers, ...(live ?? [])]);
    expected.delete(this.nonce);
    const away = [...expected].filter((nonce) => !ranked.includes(nonce));
    if (away.length > 0 && waited < RESEED_STAND_MAX_MS) return;
    // The furthest of the processes alive now: one that stood and died must not hold the re-seed up.
    const furthest = live ? ranked.find((nonce) => live.has(nonce)) : ranked[0];
    if (furthest === this.nonce) await this.reseed();
  }

  /** Counts the writers of the entries read since the last call among the peers. */
  private meetWriters() {
    for (const writer of this.host.takeWriters()) this.peers.add(writer);
    this.peers.delete(this.nonce);
  }

  /** Puts this process among the candidates to re-seed Redis, at its position in the lost stream. */
  private async stand(score: number) {
    await this.client.zadd(this.keys.candidates, score, this.nonce);
    await this.client.pexpire(this.keys.candidates, LOCK_MS);
  }

  /** Writes this process's state as the Redis snapshot, then a generation saying it came from ours. */
  private async reseed() {
    const claimed = await this.client.set(this.keys.lock, this.nonce, 'PX', LOCK_MS, 'NX');
    if (claimed !== 'OK') return; // another process is re-seeding: seen at a later watch
    try {
      this.logger.warn('Redis lost the gateway state; re-seeding it from this process', {
        groups: this.host.groups(),
      });
      await this.host.writeSnapshot();
      await this.client.set(this.keys.settings, this.host.settingsText());
      const next = `${randomUUID()}>${this.generation}`;
      this.reseededAs = next;
      await this.client.set(this.keys.generation, next);
      await this.client.del(this.keys.candidates);
      this.generation = next;
      this.candidateSince = undefined;
    } finally {
      await this.client.del(this.keys.lock).catch(() => undefined);
    }
  }
}
