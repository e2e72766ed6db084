import { randomUUID } from 'node:crypto';
import type { Logger } from '@brainbytes/telemetry/service';
import { Redis } from 'ioredis';
import type { MetricStore } from '../store/metric-store';
import type { ApplyResult, Operation } from '../store/types';
import { type Persistence, type PersistenceObserver, StorageUnavailable } from './persistence';
import { AppliedStream } from './redis-applied';
import {
  APPEND_IN_GENERATION,
  compareStreamIds,
  entryFields,
  isOutOfMemory,
  LOCK_MS,
  type RedisKeys,
  redisKeys,
  type StreamEntry,
  WATCH_MS,
} from './redis-layout';
import { connectionFamily, Lineage } from './redis-lineage';
import { SharedSettings } from './redis-settings';
import { RedisSnapshots, type SnapshotMode } from './redis-snapshots';

export interface RedisOptions {
  url: string;
  prefix: string;
  snapshotIntervalMs: number;
  /** A submitted operation not seen back from the stream within this time is answered 503. */
  applyTimeoutMs?: number;
  /** The largest body a push may carry (PUSHGATEWAY_MAX_BODY_BYTES): bounds what one read of the stream holds. */
  maxEntryBytes?: number;
  /**
   * The settings every process sharing the stream must agree on (limits, TTLs), by variable name:
   * applying one stream with different limits would make the copies differ.
   */
  shared?: Record<string, number>;
}

/** What one read of the stream may hold at most, whatever the entries' sizes (with maxEntryBytes). */
const READ_BYTES = 32 * 1024 * 1024;
/** Redis this full (used / maxmemory) is snapshotted and trimmed at once; this full refuses pushes. */
const FULL_SNAPSHOT_AT = 0.7;
const REFUSE_PUSHES_AT = 0.85;
/** The longest a connection waits between attempts to reach Redis again. */
const RECONNECT_MAX_MS = 500;
/** Longer than the tail's BLOCK (1 s), shorter than a client's patience. */
const COMMAND_TIMEOUT_MS = 5000;
/** The stream unread for this long makes the gateway not ready (/-/ready answers 503). */
const STALE_READ_MS = 10_000;

/**
 * State shared by every gateway process through Redis. Operations go into one Redis stream; each
 * process reads the stream in order and applies every operation to its own copy of the store,
 * so all copies agree (the store is a deterministic state machine). A push is answered once its
 * operation is in Redis and this process has applied it, with the result of applying it.
 * Snapshots let the stream be trimmed and new processes start fast (redis-snapshots.ts); a Redis
 * that lost its data is re-seeded from a process that still holds the state (redis-lineage.ts).
 */
export class RedisPersistence implements Persistence {
  readonly kind = 'redis';
  private readonly client: Redis;
  private readonly reader: Redis;
  private readonly nonce = randomUUID();
  private readonly keys: RedisKeys;
  private readonly lineage: Lineage;
  private readonly snapshots: RedisSnapshots;
  private readonly settings: SharedSettings;
  private readonly applied: AppliedStream;
  private watchTimer: NodeJS.Timeout | undefined;
  /** The watch in flight, which a scrape may wait for (see `sync`). */
  private watching: Promise<boolean> | undefined;
  private running = false;
  private tailDone: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Entries per read of the stream: as many as fit READ_BYTES at the largest body allowed. */
  private readonly readCount: number;
  /** Set while the state must stand still (a snapshot written, a reload): the tail applies nothing. */
  private paused: Promise<void> | undefined;
  private lastReadMs = Date.now();
  private lastMaintainSoonMs = 0;
  /** Used memory over maxmemory, as last read (0 without a maxmemory). */
  private fullness = 0;

  constructor(
    private readonly store: MetricStore,
    private readonly options: RedisOptions,
    private readonly observer: PersistenceObserver,
    private readonly logger: Logger,
  ) {
    const tls = options.url.startsWith('rediss://') ? { tls: { rejectUnauthorized: false } } : {};
    // Heroku Key-Value Store serves TLS with a self-signed certificate, hence rejectUnauthorized: false.
    // Every command waits at most COMMAND_TIMEOUT_MS: a Redis that stops answering is an error, not a hang.
    this.client = new Redis(options.url, {
      // Named, so a process starting on an empty Redis can tell whether others of this prefix are alive.
      connectionName: `${connectionFamily(options.prefix)}${this.nonce}`,
      maxRetriesPerRequest: 2,
      // Back within half a second of Redis: a re-seed waits for every process alive before a loss to stand.
      retryStrategy: (times) => Math.min(times * 50, RECONNECT_MAX_MS),
      enableOfflineQueue: true,
      commandTimeout: COMMAND_TIMEOUT_MS,
      ...tls,
    });
    this.reader = this.client.duplicate();
    this.readCount = Math.max(1, Math.min(1000, Math.floor(READ_BYTES / (options.maxEntryBytes ?? 4 << 20))));
    for (const c of [this.client, this.reader]) {
      c.on('error', (error) => this.logger.warn('redis connection problem', { error: error.message }));
    }
    this.keys = redisKeys(options.prefix);
    this.settings = new SharedSettings(options.shared ?? {}, logger);
    this.applied = new AppliedStream(store, this.nonce, logger, observer);
    this.snapshots = new RedisSnapshots(this.client, this.keys, this.nonce, store, logger, observer);
    this.lineage = new Lineage(
      this.client,
      this.keys,
      options.prefix,
      this.nonce,
      {
        groups: () => this.store.groups.size,
        position: () => this.applied.position,
        writeSnapshot: () => this.writeSnapshot(),
        settingsText: () => this.settings.text,
        reload: () => this.reload(),
        takeWriters: () => this.applied.takeWriters(),
      },
      logger,
      observer,
    );
  }

  async open() {
    // The newest process's settings are the stream's: older ones with other settings stop serving.
    await this.client.set(this.keys.settings, this.settings.text);
    await this.lineage.open();
    await this.load();
    this.running = true;
    this.tailDone = this.tail();
    this.timer = setInterval(() => void this.maintain(), this.options.snapshotIntervalMs).unref();
    this.watchTimer = setInterval(() => void this.watch(), WATCH_MS).unref();
  }

  /**
   * Once a second: are this process's settings still the stream's, is Redis filling up, and is the
   * Redis data still the life this process's state belongs to (redis-lineage.ts)?
   */
  private watch(): Promise<boolean> {
    if (!this.running) return Promise.resolve(false);
    this.watching ??= this.watchOnce().finally(() => {
      this.watching = undefined;
    });
    return this.watching;
  }

  /** One watch; true if Redis holds this process's life of the data when it is done. */
  private async watchOnce(): Promise<boolean> {
    try {
      const [generation = null, settings = null] = await this.client.mget(
        this.keys.generation,
        this.keys.settings,
      );
      if (!this.settings.check(settings))
        void this.client.set(this.keys.settings, this.settings.text).catch(() => undefined); // lost with the data
      await this.checkRoom();
      await this.lineage.check(generation);
      return this.lineage.generation === generation; // after a reload from it too; not while standing
    } catch (error) {
      this.observer.onError?.('load', error);
      return false;
    }
  }

  /**
   * How full a Redis with a maxmemory is: past FULL_SNAPSHOT_AT a snapshot trims the stream at once
   * (without its grace); past REFUSE_PUSHES_AT pushes are refused (503) until it has, so the room a
   * snapshot needs is never taken by pushes (a full `noeviction` Redis refuses the snapshot itself).
   */
  private async checkRoom() {
    const info = await this.client.info('memory');
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    const max = Number(/maxmemory:(\d+)/.exec(info)?.[1] ?? 0);
    this.fullness = max > 0 ? used / max : 0;
    if (this.fullness > FULL_SNAPSHOT_AT) this.maintainSoon();
  }

  /** Drops this process's copy and reads the state from Redis again (snapshot, then stream); returns the snapshot's position. */
  private reload(): Promise<string> {
    return this.standingStill(() => {
      this.store.reset();
      this.applied.position = '0-0';
      return this.load();
    });
  }

  /** Runs `work` with the tail paused: the store does not change under it. */
  private async standingStill<T>(work: () => Promise<T>): Promise<T> {
    let resume!: () => void;
    this.paused = new Promise((resolve) => {
      resume = resolve;
    });
    try {
      return await work();
    } finally {
      this.paused = undefined;
      resume();
    }
  }

  /** Reads the snapshot, then the stream after it; returns the snapshot's position ('0-0' without one). */
  private async load(): Promise<string> {
    const seededAt = await this.snapshots.read();
    if (seededAt !== '0-0') this.applied.position = seededAt;
    for (;;) {
      const entries = (await this.client.xrange(
        this.keys.log,
        `(${this.applied.position}`,
        '+',
        'COUNT',
        this.readCount,
      )) as StreamEntry[];
      for (const entry of entries) this.applied.apply(entry);
      if (entries.length < this.readCount) break;
    }
    return seededAt;
  }

  private async tail() {
    // Redis may have lost its data while the reader was away (its XREAD is sent again on its own):
    // what it reads then is applied only once a watch has found the Redis data to be this process's
    // life of it, or reloaded from the one it is now, so a stale copy never takes a new life's entries.
    let reconnected = false;
    this.reader.on('close', () => {
      reconnected = true;
    });
    while (this.running) {
      try {
        const reply = (await this.reader.xread(
          'COUNT',
          this.readCount,
          'BLOCK',
          1000,
          'STREAMS',
          this.keys.log,
          this.applied.position,
        )) as Array<[string, StreamEntry[]]> | null;
        this.lastReadMs = Date.now();
        if (reconnected) {
          reconnected = false;
          await this.watching; // one that may have looked before the loss
          if (!(await this.watch())) {
            reconnected = true; // read again from here, once the watch has found its life
            await new Promise((r) => setTimeout(r, 100));
            continue;
          }
        }
        // Checked and applied in one turn: a reload that began after the read must find nothing applied half-way.
        while (this.paused) await this.paused;
        for (const entry of reply?.[0]?.[1] ?? []) this.applied.apply(entry);
      } catch (error) {
        if (!this.running) break;
        this.observer.onError?.('load', error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async submit(op: Operation): Promise<ApplyResult> {
    const started = performance.now();
    if (op.kind === 'push' && this.fullness > REFUSE_PUSHES_AT) {
      this.maintainSoon();
      const error = new StorageUnavailable(
        `Redis is full (${Math.round(this.fullness * 100)} % of maxmemory); push not stored, retry later`,
      );
      this.observer.onError?.('append', error);
      throw error;
    }
    let id: string;
    try {
      id = (await this.client.eval(
        APPEND_IN_GENERATION,
        2,
        this.keys.generation,
        this.keys.log,
        this.lineage.generation,
        'p',
        this.nonce,
        ...entryFields(op),
      )) as string;
    } catch (error) {
      this.observer.onError?.('append', error);
      if (/\bNOGEN\b/.test(String((error as Error)?.message))) {
        throw new StorageUnavailable('Redis lost the gateway state and it is being re-seeded; retry shortly');
      }
      if (isOutOfMemory(error)) {
        this.maintainSoon();
        throw new StorageUnavailable('Redis is full (maxmemory); push not stored, retry later');
      }
      throw new StorageUnavailable('the gateway could not write to Redis; push not stored, retry later');
    }
    this.observer.onWrite?.('append', (performance.now() - started) / 1000);
    return this.applied.resultOf(id, this.options.applyTimeoutMs ?? 10_000);
  }

  /**
   * Waits until this process has applied everything in the stream now, so a scrape sees every
   * acknowledged push; a Redis that cannot be read, or a catch-up that takes longer than a push
   * may wait, is StorageUnavailable (503), never a hang.
   */
  async sync() {
    let [generation, last] = await this.head();
    if (generation !== this.lineage.generation) {
      // Redis lost its data or was re-seeded since the last watch: this copy may lack pushes the
      // others acknowledged, so it is brought up to date (or refused) before anyone reads it.
      await this.watch();
      [generation, last] = await this.head();
      if (generation !== this.lineage.generation) {
        throw new StorageUnavailable('Redis lost the gateway state and it is being re-seeded; retry shortly');
      }
    }
    const target = last[0]?.[0];
    if (target) await this.applied.reach(target, this.options.applyTimeoutMs ?? 10_000);
  }

  /** The generation in Redis and the stream's last entry, read together. */
  private async head(): Promise<[string | null, StreamEntry[]]> {
    try {
      const replies = await this.client
        .pipeline()
        .get(this.keys.generation)
        .xrevrange(this.keys.log, '+', '-', 'COUNT', 1)
        .exec();
      const [[genError, generation] = [], [lastError, last] = []] = replies ?? [];
      if (genError || lastError) throw genError ?? lastError;
      return [generation as string | null, last as StreamEntry[]];
    } catch (error) {
      this.observer.onError?.('load', error);
      throw new StorageUnavailable('the gateway could not read Redis; retry later');
    }
  }

  async expire(nowMs: number) {
    if (!this.store.hasExpired(nowMs)) return;
    const result = await this.submit({ kind: 'expire', time: nowMs });
    if (result.outcome === 'unavailable') throw new StorageUnavailable(result.message);
  }

  readyProblem(): string | undefined {
    if (this.settings.mismatch) return this.settings.mismatch;
    if (this.client.status !== 'ready') return `Redis is not connected (${this.client.status})`;
    const unread = Date.now() - this.lastReadMs;
    if (unread > STALE_READ_MS)
      return `the Redis stream has not been read for ${Math.round(unread / 1000)} s`;
    return undefined;
  }

  /** Snapshot (one process at a time) and trim; reload if this process fell behind a trim. */
  private async maintain(urgent = false) {
    try {
      const info = (await this.client.call('XINFO', 'STREAM', this.keys.log).catch(() => null)) as
        | unknown[]
        | null;
      const deletedIdx = info?.indexOf('max-deleted-entry-id') ?? -1;
      const maxDeleted = deletedIdx >= 0 ? String(info![deletedIdx + 1]) : '0-0';
      if (compareStreamIds(maxDeleted, this.applied.position) > 0) {
        this.logger.warn('fell behind a trimmed stream; reloading state from the Redis snapshot');
        await this.reload();
        return;
      }
      // One snapshot an interval across processes; a full Redis (urgent) does not wait for it.
      const last = Number(await this.client.get(this.keys.snapshotAt));
      if (!urgent && Date.now() - last < 0.9 * this.options.snapshotIntervalMs) return;
      const locked = await this.client.set(this.keys.lock, this.nonce, 'PX', LOCK_MS, 'NX');
      if (locked !== 'OK') return;
      try {
        // A re-seed changes the generation under this lock: a copy of another life (a loss its watch
        // has not seen yet) must not replace the re-seeded snapshot. Its watch reloads it.
        if ((await this.client.get(this.keys.generation)) !== this.lineage.generation) return;
        await this.snapshots.snapshotAndTrim((mode) => this.writeSnapshot(mode), urgent);
      } finally {
        if ((await this.client.get(this.keys.lock).catch(() => null)) === this.nonce) {
          await this.client.del(this.keys.lock).catch(() => undefined);
        }
      }
    } catch (error) {
      this.observer.onError?.('snapshot', error);
    }
  }

  /** Writes the state at this process's position as the snapshot, the tail paused meanwhile; returns the position. */
  private writeSnapshot(mode: SnapshotMode = 'staging'): Promise<string> {
    return this.standingStill(async () => {
      const position = this.applied.position;
      await this.snapshots.write(position, this.lineage.generation, mode);
      return position;
    });
  }

  /** Runs maintenance soon (not more than every 5 s): a full Redis should not wait for the snapshot interval. */
  private maintainSoon() {
    if (Date.now() - this.lastMaintainSoonMs < 5000) return;
    this.lastMaintainSoonMs = Date.now();
    setTimeout(() => void this.maintain(true), 0).unref();
  }

  async close() {
    clearInterval(this.timer);
    clearInterval(this.watchTimer);
    this.running = false;
    this.reader.disconnect();
    await this.tailDone;
    await this.client.quit().catch(() => undefined);
  }
}
