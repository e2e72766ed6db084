import { randomUUID } from 'node:crypto';
import type { Logger } from '@brainbytes/telemetry/service';
import { Redis } from 'ioredis';
import { labelText } from '../store/label-text';
import type { MetricStore } from '../store/metric-store';
import type { ApplyResult, Operation } from '../store/types';
import { type Persistence, type PersistenceObserver, StorageUnavailable } from './persistence';
import { SnapshotReader, snapshotPieces } from './snapshot';

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

type StreamEntry = [id: string, fields: string[]];

/** Redis refused a write for want of memory (`noeviction` at maxmemory). */
const isOutOfMemory = (error: unknown) => /\bOOM\b/.test(String((error as Error)?.message ?? error));

/** A stream entry's operation (`o`, JSON), its push body (`b`, as pushed) and its writer (`p`). */
function readEntry(fields: string[]): { operation: Operation; owner: string } {
  let json: string | undefined;
  let owner = '';
  let body: string | undefined;
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === 'o') json = fields[i + 1];
    else if (fields[i] === 'p') owner = fields[i + 1] ?? '';
    else if (fields[i] === 'b') body = fields[i + 1];
  }
  if (json === undefined) throw new Error('the entry has no operation field "o"');
  const operation = JSON.parse(json) as Operation;
  const kinds = ['push', 'delete', 'wipe', 'expire'];
  if (typeof operation !== 'object' || operation === null || !kinds.includes(operation.kind)) {
    throw new Error("the entry's operation is not a push, delete, wipe or expire");
  }
  if (typeof operation.time !== 'number') throw new Error("the entry's operation has no time");
  if ((operation.kind === 'push' || operation.kind === 'delete') && !Array.isArray(operation.group)) {
    throw new Error("the entry's operation has no group");
  }
  if (operation.kind === 'push') {
    if (body !== undefined) operation.body = body;
    if (typeof operation.body !== 'string') throw new Error("the entry's push has no body");
  }
  return { operation, owner };
}

/** Stream ids are `<ms>-<seq>`; compares two of them. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}

const SNAPSHOT_PIECES_PER_READ = 16;
/** Redis this full (used / maxmemory) is snapshotted and trimmed at once; this full refuses pushes. */
const FULL_SNAPSHOT_AT = 0.7;
const REFUSE_PUSHES_AT = 0.85;
/** Held while one process writes a snapshot or re-seeds; released when done, expires if it dies. */
const LOCK_MS = 60_000;
/** The longest a connection waits between attempts to reach Redis again. */
const RECONNECT_MAX_MS = 500;
/**
 * After Redis lost its data, the furthest candidate re-seeds once every process that was alive
 * before the loss has stood (with its position, or as holding nothing), or after this long: a
 * process away from Redis longer than this, that had read further than the re-seeder, says so
 * loudly when it comes back (see `watchOnce`).
 */
const RESEED_STAND_MAX_MS = 10_000;
/** How long a process starting on an empty Redis waits for live ones to re-seed it. */
const RESEED_WAIT_MS = RESEED_STAND_MAX_MS + 2000;
/** A candidate's score when it holds no state: it stands so no one waits for it, and never re-seeds. */
const HOLDS_NOTHING = -1;
/**
 * Appends an operation only while the Redis data is the life this process knows: after a loss
 * nothing is written until a process re-seeds it, so positions compare (see `standToReseed`).
 */
const APPEND_IN_GENERATION = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('NOGEN the gateway state in Redis is being re-seeded')
end
return redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))`;
/** How often a process checks the generation and the shared settings. */
const WATCH_MS = 1000;
/** Longer than the tail's BLOCK (1 s), shorter than a client's patience. */
const COMMAND_TIMEOUT_MS = 5000;
/** The stream unread for this long makes the gateway not ready (/-/ready answers 503). */
const STALE_READ_MS = 10_000;

/** Entries older than this are trimmed only once a snapshot covers them, so a slow reader is not skipped. */
const TRIM_GRACE_MS = 60_000;

/**
 * State shared by every gateway process through Redis. Operations go into one Redis stream; each
 * process reads the stream in order and applies every operation to its own copy of the store,
 * so all copies agree (the store is a deterministic state machine). A push is answered once its
 * operation is in Redis and this process has applied it, with the result of applying it.
 * Snapshots in a Redis key let the stream be trimmed and new processes start fast.
 */
export class RedisPersistence implements Persistence {
  readonly kind = 'redis';
  private readonly client: Redis;
  private readonly reader: Redis;
  private readonly nonce = randomUUID();
  /** Every process of this prefix names its connections `<family><nonce>`, so CLIENT LIST tells who is alive. */
  private get connectionFamily() {
    return `pushgateway-${this.options.prefix.replace(/[^\w.:-]/g, '_')}~`;
  }
  /** The other gateway processes of this prefix alive at the last watch before a loss (see `standToReseed`). */
  private peers = new Set<string>();
  /** Since when this process is a candidate to re-seed a Redis that lost its data (see `watch`). */
  private candidateSince: number | undefined;
  /** The generation this process wrote when it re-seeded Redis. */
  private reseededAs: string | undefined;
  private readonly keys: {
    log: string;
    snapshot: string;
    legacySnapshot: string;
    lock: string;
    generation: string;
    candidates: string;
    settings: string;
    snapshotAt: string;
  };
  /** Which life of the Redis data this process's state belongs to (see `watch`). */
  private generation = '';
  /** Set while this process's settings differ from the ones in Redis: it must not serve. */
  private mismatch: string | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  /** The watch in flight, which a scrape may wait for (see `sync`). */
  private watching: Promise<void> | undefined;
  private lastId = '0-0';
  private readonly waiters = new Map<string, (result: ApplyResult) => void>();
  private readonly early = new Map<string, ApplyResult>();
  private syncWaiters: Array<{ target: string; resolve: () => void }> = [];
  private running = false;
  private tailDone: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Entries per read of the stream: as many as fit READ_BYTES at the largest body allowed. */
  private readonly readCount: number;
  /** Set while a snapshot is written: the tail applies nothing, so the snapshot is the state at one position. */
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
      connectionName: `${this.connectionFamily}${this.nonce}`,
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
    this.keys = {
      log: `${options.prefix}:log`,
      // A list of pieces of snapshot lines (see snapshot.ts); `:snapshot` held version 1 as one string.
      snapshot: `${options.prefix}:snapshot-lines`,
      legacySnapshot: `${options.prefix}:snapshot`,
      lock: `${options.prefix}:snapshot-lock`,
      generation: `${options.prefix}:generation`,
      candidates: `${options.prefix}:reseed-candidates`,
      snapshotAt: `${options.prefix}:snapshot-at`,
      settings: `${options.prefix}:settings`,
    };
  }

  async open() {
    // The newest process's settings are the stream's: older ones with other settings stop serving.
    await this.client.set(this.keys.settings, this.settingsText());
    this.generation = await this.openGeneration();
    await this.load();
    this.running = true;
    this.tailDone = this.tail();
    this.timer = setInterval(() => void this.maintain(), this.options.snapshotIntervalMs).unref();
    this.watchTimer = setInterval(() => void this.watch(), WATCH_MS).unref();
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
      if (name.startsWith(this.connectionFamily)) live.add(name.slice(this.connectionFamily.length));
    }
    return live;
  }

  private settingsText() {
    const shared = this.options.shared ?? {};
    return JSON.stringify(
      Object.fromEntries(
        Object.keys(shared)
          .sort()
          .map((k) => [k, shared[k]]),
      ),
    );
  }

  /**
   * Once a second: are this process's settings still the stream's, and is the Redis data still
   * the life this process's state belongs to? Redis that lost its data (restarted without
   * persistence, a failover, FLUSHALL) has no generation, or a fresh one set by a process that
   * started on the empty Redis: a process that still holds the state re-seeds Redis from it (a
   * snapshot at its position, then a generation naming the one it came from), so no acknowledged
   * push is lost while one process has it. A process whose generation another one re-seeded over
   * reloads from Redis.
   */
  private watch(): Promise<void> {
    if (!this.running) return Promise.resolve();
    this.watching ??= this.watchOnce().finally(() => {
      this.watching = undefined;
    });
    return this.watching;
  }

  private async watchOnce() {
    try {
      const [generation = null, settings = null] = await this.client.mget(
        this.keys.generation,
        this.keys.settings,
      );
      this.checkSettings(settings);
      await this.checkRoom();
      if (generation === this.generation) {
        const live = await this.liveProcesses();
        if (live) this.peers = new Set([...live].filter((nonce) => nonce !== this.nonce));
        return;
      }
      const holdsState = this.store.groups.size > 0 || this.lastId !== '0-0';
      if ((generation === null || !generation.includes('>')) && holdsState) {
        await this.standToReseed();
      } else if (generation === null) {
        // Nothing to re-seed from here: wait for the processes that hold state, else start afresh.
        this.generation = await this.openGeneration();
      } else if (generation === this.reseededAs) {
        this.generation = generation;
      } else if (generation !== null) {
        // Another process re-seeded: its state may hold entries this one never read before the loss.
        this.logger.warn('Redis was re-seeded by another gateway process; reloading state from it');
        const readHere = this.lastId;
        const seededAt = await this.reload();
        if (generation.endsWith(`>${this.generation}`) && compareStreamIds(readHere, seededAt) > 0) {
          // It stood too late (away from Redis longer than RESEED_STAND_MAX_MS): say what is gone.
          const error = new Error(
            `this process had read the lost Redis stream up to ${readHere}, further than the process that re-seeded it (${seededAt}): pushes acknowledged in between are lost`,
          );
          this.logger.error(error.message);
          this.observer.onError?.('load', error);
        }
        this.generation = generation;
        this.candidateSince = undefined;
      }
    } catch (error) {
      this.observer.onError?.('load', error);
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

  private checkSettings(inRedis: string | null) {
    const mine = this.settingsText();
    if (inRedis === null) {
      void this.client.set(this.keys.settings, mine).catch(() => undefined); // lost with the data
      return;
    }
    if (inRedis === mine) {
      if (this.mismatch) this.logger.info('settings agree with the other gateway processes again');
      this.mismatch = undefined;
      return;
    }
    const theirs = JSON.parse(inRedis) as Record<string, number>;
    const own = JSON.parse(mine) as Record<string, number>;
    const names = [...new Set([...Object.keys(own), ...Object.keys(theirs)])].filter(
      (k) => own[k] !== theirs[k],
    );
    const problem = `settings differ from the newest gateway process on this Redis: ${names
      .map((k) => `${k} is ${own[k]} here and ${theirs[k]} there`)
      .join(', ')}; restart this process with the same settings`;
    if (problem !== this.mismatch) this.logger.error(`not serving: ${problem}`);
    this.mismatch = problem;
  }

  /**
   * Redis lost its data. No entry is written meanwhile (appends check the generation), so each
   * process's position says how much of the lost stream it read: every process holding state stands
   * as a candidate with its position, and after a watch interval the furthest one re-seeds.
   */
  private async standToReseed() {
    const [ms = 0, seq = 0] = this.lastId.split('-').map(Number);
    await this.stand(ms * 1000 + Math.min(seq, 999));
    this.candidateSince ??= Date.now();
    const waited = Date.now() - this.candidateSince;
    if (waited < WATCH_MS) return; // let the others stand too
    const ranked = await this.client.zrevrange(this.keys.candidates, 0, -1);
    // A process that was alive before the loss may still be reconnecting, and may have read furthest.
    const away = [...this.peers].filter((nonce) => !ranked.includes(nonce));
    if (away.length > 0 && waited < RESEED_STAND_MAX_MS) return;
    // The furthest of the processes alive now: one that stood and died must not hold the re-seed up.
    const live = await this.liveProcesses();
    const furthest = live ? ranked.find((nonce) => live.has(nonce)) : ranked[0];
    if (furthest === this.nonce) await this.reseed();
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
        groups: this.store.groups.size,
      });
      await this.writeSnapshot();
      await this.client.set(this.keys.settings, this.settingsText());
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

  /** Drops this process's copy and reads the state from Redis again (snapshot, then stream); returns the snapshot's position. */
  private async reload(): Promise<string> {
    let resume!: () => void;
    this.paused = new Promise((resolve) => {
      resume = resolve;
    });
    try {
      this.store.apply({ kind: 'wipe', time: Date.now() });
      this.lastId = '0-0';
      return await this.load();
    } finally {
      this.paused = undefined;
      resume();
    }
  }

  /** Reads the snapshot, then the stream after it; returns the snapshot's position ('0-0' without one). */
  private async load(): Promise<string> {
    const reader = new SnapshotReader(this.store, labelText, (error) => {
      this.logger.warn('skipped an unreadable line of the Redis snapshot', {
        error: error instanceof Error ? error.message : String(error),
      });
      this.observer.onError?.('load', error);
    });
    const pieces = await this.client.llen(this.keys.snapshot);
    if (pieces > 0) {
      // A few pieces at a time: no size of state is read as one string.
      for (let start = 0; start < pieces; start += SNAPSHOT_PIECES_PER_READ) {
        const batch = await this.client.lrange(
          this.keys.snapshot,
          start,
          start + SNAPSHOT_PIECES_PER_READ - 1,
        );
        for (const piece of batch) for (const line of piece.split('\n')) reader.line(line);
      }
      this.lastId = reader.finish();
    } else {
      const legacy = await this.client.get(this.keys.legacySnapshot);
      if (legacy) {
        reader.line(legacy);
        this.lastId = reader.finish();
      }
    }
    const seededAt = this.lastId;
    for (;;) {
      const entries = (await this.client.xrange(
        this.keys.log,
        `(${this.lastId}`,
        '+',
        'COUNT',
        this.readCount,
      )) as StreamEntry[];
      for (const entry of entries) this.applyEntry(entry);
      if (entries.length < this.readCount) break;
    }
    return seededAt;
  }

  private applyEntry([id, fields]: StreamEntry) {
    // A read that was in flight while a reload applied the same entries: each is applied once.
    if (compareStreamIds(id, this.lastId) <= 0) return;
    let owner = '';
    let result: ApplyResult = { outcome: 'failed', message: 'malformed stream entry' };
    try {
      const op = readEntry(fields);
      owner = op.owner;
      result = this.store.apply(op.operation);
    } catch (error) {
      // A poisoned entry (written by hand, by another program sharing REDIS_URL, or torn) is
      // skipped, counted and logged: it must never stop a start, a push or a scrape.
      this.logger.warn('skipped an unreadable Redis stream entry', {
        id,
        error: error instanceof Error ? error.message : String(error),
      });
      this.observer.onError?.('load', error); // skip it, or every process would stop at this entry
      result = { outcome: 'failed', message: 'the gateway failed to apply this push' };
    }
    this.lastId = id;
    if (owner === this.nonce) {
      const waiter = this.waiters.get(id);
      if (waiter) {
        this.waiters.delete(id);
        waiter(result);
      } else this.early.set(id, result);
    }
    if (this.syncWaiters.length > 0) {
      const ready = this.syncWaiters.filter((w) => compareStreamIds(w.target, id) <= 0);
      this.syncWaiters = this.syncWaiters.filter((w) => compareStreamIds(w.target, id) > 0);
      for (const w of ready) w.resolve();
    }
  }

  private async tail() {
    while (this.running) {
      try {
        const reply = (await this.reader.xread(
          'COUNT',
          this.readCount,
          'BLOCK',
          1000,
          'STREAMS',
          this.keys.log,
          this.lastId,
        )) as Array<[string, StreamEntry[]]> | null;
        this.lastReadMs = Date.now();
        await this.paused;
        for (const entry of reply?.[0]?.[1] ?? []) this.applyEntry(entry);
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
      // The body as its own field, as pushed: inside the JSON a control character would take 6 bytes.
      const fields =
        op.kind === 'push'
          ? ['o', JSON.stringify({ ...op, body: '' }), 'b', op.body]
          : ['o', JSON.stringify(op)];
      id = (await this.client.eval(
        APPEND_IN_GENERATION,
        2,
        this.keys.generation,
        this.keys.log,
        this.generation,
        'p',
        this.nonce,
        ...fields,
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
    const early = this.early.get(id);
    if (early) {
      this.early.delete(id);
      return early;
    }
    return new Promise<ApplyResult>((resolve) => {
      const timeout = setTimeout(() => {
        this.waiters.delete(id);
        resolve({
          outcome: 'unavailable',
          message: 'push stored in Redis but not yet applied here; retry with the same X-Push-Id',
        });
      }, this.options.applyTimeoutMs ?? 10_000);
      this.waiters.set(id, (result) => {
        clearTimeout(timeout);
        resolve(result);
      });
    });
  }

  /**
   * Waits until this process has applied everything in the stream now, so a scrape sees every
   * acknowledged push; a Redis that cannot be read, or a catch-up that takes longer than a push
   * may wait, is StorageUnavailable (503), never a hang.
   */
  async sync() {
    let [generation, last] = await this.head();
    if (generation !== this.generation) {
      // Redis lost its data or was re-seeded since the last watch: this copy may lack pushes the
      // others acknowledged, so it is brought up to date (or refused) before anyone reads it.
      await this.watch();
      [generation, last] = await this.head();
      if (generation !== this.generation) {
        throw new StorageUnavailable('Redis lost the gateway state and it is being re-seeded; retry shortly');
      }
    }
    const target = last[0]?.[0];
    if (!target || compareStreamIds(this.lastId, target) >= 0) return;
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== waiter);
        reject(
          new StorageUnavailable('the gateway could not catch up with the Redis stream in time; retry later'),
        );
      }, this.options.applyTimeoutMs ?? 10_000);
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timeout);
          resolve();
        },
      };
      this.syncWaiters.push(waiter);
    });
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
    if (this.mismatch) return this.mismatch;
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
      if (compareStreamIds(maxDeleted, this.lastId) > 0) {
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
        await this.snapshotAndTrim(urgent);
      } finally {
        if ((await this.client.get(this.keys.lock).catch(() => null)) === this.nonce) {
          await this.client.del(this.keys.lock).catch(() => undefined);
        }
      }
    } catch (error) {
      this.observer.onError?.('snapshot', error);
    }
  }

  /** `full`: Redis is filling up, so the stream is trimmed to the snapshot at once, without its grace. */
  private async snapshotAndTrim(full: boolean) {
    const started = performance.now();
    let position: string;
    try {
      position = await this.writeSnapshot('staging');
    } catch (error) {
      if (!isOutOfMemory(error)) throw error;
      // A full `noeviction` Redis (a heroku-redis:mini holds 25 MB) has no room for a second copy:
      // the old snapshot makes way for the new one, and the stream is trimmed without grace.
      full = true;
      this.observer.onError?.('snapshot', error);
      this.logger.warn('Redis is full: replacing the snapshot in place to trim the stream');
      position = await this.writeSnapshot('in-place');
    }
    const [ms, seq] = position.split('-').map(Number) as [number, number];
    const graceMs = Date.now() - TRIM_GRACE_MS;
    const minId = full || ms < graceMs ? `${ms}-${seq + 1}` : `${graceMs}-0`;
    await this.client.xtrim(this.keys.log, 'MINID', minId);
    await this.client.set(this.keys.snapshotAt, String(Date.now()));
    this.observer.onWrite?.('snapshot', (performance.now() - started) / 1000);
  }

  /**
   * Writes the state at this process's position piece by piece (about 1 MiB each): the tail is
   * paused meanwhile, so the store does not change under the pieces, and no more than one piece is
   * held in memory at a time. 'staging' writes beside the old snapshot and renames into place.
   * 'in-place' (Redis full) deletes the old one first, with the generation: a process that dies
   * half-way leaves Redis looking lost, so the others re-seed it; it puts the generation back when done.
   */
  private async writeSnapshot(mode: 'staging' | 'in-place' = 'staging'): Promise<string> {
    let resume!: () => void;
    this.paused = new Promise((resolve) => {
      resume = resolve;
    });
    const target = mode === 'staging' ? `${this.keys.snapshot}:staging:${this.nonce}` : this.keys.snapshot;
    try {
      const position = this.lastId;
      if (mode === 'in-place') await this.client.del(this.keys.generation, this.keys.legacySnapshot);
      await this.client.del(target);
      for (const piece of snapshotPieces(this.store, position)) await this.client.rpush(target, piece);
      if (mode === 'in-place') {
        await this.client.set(this.keys.generation, this.generation);
        return position;
      }
      const renamed = await this.client
        .multi()
        .rename(target, this.keys.snapshot)
        .del(this.keys.legacySnapshot)
        .exec();
      for (const [error] of renamed ?? []) if (error) throw error;
      return position;
    } catch (error) {
      if (mode === 'staging')
        await this.client.del(target).catch(() => undefined); // give the room back
      else if (isOutOfMemory(error)) {
        this.logger.error(
          'the gateway state does not fit in Redis: use a larger Redis plan or a smaller PUSHGATEWAY_MAX_BYTES',
        );
      }
      throw error;
    } finally {
      this.paused = undefined;
      resume();
    }
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
