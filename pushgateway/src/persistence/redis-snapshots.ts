import type { Logger } from '@brainbytes/telemetry/service';
import type { Redis } from 'ioredis';
import { labelText } from '../store/label-text';
import type { MetricStore } from '../store/metric-store';
import type { PersistenceObserver } from './persistence';
import { isOutOfMemory, type RedisKeys } from './redis-layout';
import { SnapshotReader, snapshotPieces } from './snapshot';

const SNAPSHOT_PIECES_PER_READ = 16;
/** Entries older than this are trimmed only once a snapshot covers them, so a slow reader is not skipped. */
const TRIM_GRACE_MS = 60_000;

export type SnapshotMode = 'staging' | 'in-place';

/**
 * The gateway's state as a Redis snapshot: a list of pieces of snapshot lines (about 1 MiB each,
 * snapshot.ts), so no size of state is ever read or written as one string; and the stream trimmed
 * behind it.
 */
export class RedisSnapshots {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly nonce: string,
    private readonly store: MetricStore,
    private readonly logger: Logger,
    private readonly observer: PersistenceObserver,
  ) {}

  /** Reads the snapshot into the store, a few pieces at a time; returns its position ('0-0' without one). */
  async read(): Promise<string> {
    const reader = new SnapshotReader(this.store, labelText, (error) => {
      this.logger.warn('skipped an unreadable line of the Redis snapshot', {
        error: error instanceof Error ? error.message : String(error),
      });
      this.observer.onError?.('load', error);
    });
    const pieces = await this.client.llen(this.keys.snapshot);
    if (pieces > 0) {
      for (let start = 0; start < pieces; start += SNAPSHOT_PIECES_PER_READ) {
        const batch = await this.client.lrange(
          this.keys.snapshot,
          start,
          start + SNAPSHOT_PIECES_PER_READ - 1,
        );
        for (const piece of batch) for (const line of piece.split('\n')) reader.line(line);
      }
      return reader.finish();
    }
    const legacy = await this.client.get(this.keys.legacySnapshot);
    if (!legacy) return '0-0';
    reader.line(legacy);
    return reader.finish();
  }

  /**
   * Writes the snapshot, then trims the stream behind it; `full`: Redis is filling up, so the stream
   * is trimmed to the snapshot at once, without its grace. `write` writes the state as it stands
   * (with the process's stream paused) and returns its position.
   */
  async snapshotAndTrim(write: (mode: SnapshotMode) => Promise<string>, full: boolean) {
    const started = performance.now();
    let position: string;
    try {
      position = await write('staging');
    } catch (error) {
      if (!isOutOfMemory(error)) throw error;
      // A full `noeviction` Redis (a heroku-redis:mini holds 25 MB) has no room for a second copy:
      // the old snapshot makes way for the new one, and the stream is trimmed without grace.
      full = true;
      this.observer.onError?.('snapshot', error);
      this.logger.warn('Redis is full: replacing the snapshot in place to trim the stream');
      position = await write('in-place');
    }
    const [ms, seq] = position.split('-').map(Number) as [number, number];
    const graceMs = Date.now() - TRIM_GRACE_MS;
    const minId = full || ms < graceMs ? `${ms}-${seq + 1}` : `${graceMs}-0`;
    await this.client.xtrim(this.keys.log, 'MINID', minId);
    await this.client.set(this.keys.snapshotAt, String(Date.now()));
    this.observer.onWrite?.('snapshot', (performance.now() - started) / 1000);
  }

  /**
   * Writes the store's state, which is at `position` and must not change meanwhile, piece by piece:
   * no more than one piece is held in memory at a time. 'staging' writes beside the old snapshot
   * and renames into place. 'in-place' (Redis full) deletes the old one first, with the generation:
   * a process that dies half-way leaves Redis looking lost, so the others re-seed it; it puts
   * `generation` back when done.
   */
  async write(position: string, generation: string, mode: SnapshotMode): Promise<void> {
    const target = mode === 'staging' ? `${this.keys.snapshot}:staging:${this.nonce}` : this.keys.snapshot;
    try {
      if (mode === 'in-place') await this.client.del(this.keys.generation, this.keys.legacySnapshot);
      await this.client.del(target);
      for (const piece of snapshotPieces(this.store, position)) await this.client.rpush(target, piece);
      if (mode === 'in-place') {
        await this.client.set(this.keys.generation, generation);
        return;
      }
      const renamed = await this.client
        .multi()
        .rename(target, this.keys.snapshot)
        .del(this.keys.legacySnapshot)
        .exec();
      for (const [error] of renamed ?? []) if (error) throw error;
    } catch (error) {
      if (mode === 'staging')
        await this.client.del(target).catch(() => undefined); // give the room back
      else if (isOutOfMemory(error)) {
        this.logger.error(
          'the gateway state does not fit in Redis: use a larger Redis plan or a smaller PUSHGATEWAY_MAX_BYTES',
        );
      }
      throw error;
    }
  }
}
