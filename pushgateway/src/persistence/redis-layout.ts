import type { Operation } from '../store/types';

/**
 * What the gateway keeps in Redis, and how: the keys under its prefix, the stream entry's fields,
 * and the one script that appends. Shared by redis-persistence.ts (the stream), redis-lineage.ts
 * (which life of the data this is) and redis-snapshots.ts.
 */
export interface RedisKeys {
  /** The stream of operations, in order. */
  log: string;
  /** A list of pieces of snapshot lines (see snapshot.ts). */
  snapshot: string;
  /** Version 1's snapshot, one string: read once, deleted at the next snapshot. */
  legacySnapshot: string;
  /** Held by the one process writing a snapshot or re-seeding. */
  lock: string;
  /** Which life of the Redis data this is (see redis-lineage.ts). */
  generation: string;
  /** The processes standing to re-seed a Redis that lost its data, scored by position. */
  candidates: string;
  /** The settings every process of the prefix must share. */
  settings: string;
  /** When the last snapshot was written (ms). */
  snapshotAt: string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    log: `${prefix}:log`,
    snapshot: `${prefix}:snapshot-lines`,
    legacySnapshot: `${prefix}:snapshot`,
    lock: `${prefix}:snapshot-lock`,
    generation: `${prefix}:generation`,
    candidates: `${prefix}:reseed-candidates`,
    snapshotAt: `${prefix}:snapshot-at`,
    settings: `${prefix}:settings`,
  };
}

export type StreamEntry = [id: string, fields: string[]];

/** Held while one process writes a snapshot or re-seeds; released when done, expires if it dies. */
export const LOCK_MS = 60_000;
/** How often a process checks the generation and the shared settings. */
export const WATCH_MS = 1000;

/**
 * Appends an operation only while the Redis data is the life this process knows: after a loss
 * nothing is written until a process re-seeds it, so positions compare (see redis-lineage.ts).
 */
export const APPEND_IN_GENERATION = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('NOGEN the gateway state in Redis is being re-seeded')
end
return redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))`;

/** Redis refused a write for want of memory (`noeviction` at maxmemory). */
export const isOutOfMemory = (error: unknown) => /\bOOM\b/.test(String((error as Error)?.message ?? error));

/** An operation's fields: the body apart, as pushed (inside the JSON a control character would take 6 bytes). */
export function entryFields(op: Operation): string[] {
  return op.kind === 'push'
    ? ['o', JSON.stringify({ ...op, body: '' }), 'b', op.body]
    : ['o', JSON.stringify(op)];
}

/** A stream entry's operation (`o`, JSON), its push body (`b`, as pushed) and its writer (`p`). */
export function readEntry(fields: string[]): { operation: Operation; owner: string } {
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
