import type { Logger } from '@brainbytes/telemetry/service';
import type { MetricStore } from '../store/metric-store';
import type { ApplyResult } from '../store/types';
import { type PersistenceObserver, StorageUnavailable } from './persistence';
import { compareStreamIds, readEntry, type StreamEntry } from './redis-layout';

/**
 * This process's place in the Redis stream: each entry is applied to the store once, in order; a
 * push this process wrote is answered with the result of applying it, and a scrape can wait until
 * the entries written before it are applied.
 */
export class AppliedStream {
  /** The last entry applied ('0-0': none yet). */
  position = '0-0';
  private readonly waiters = new Map<string, (result: ApplyResult) => void>();
  /** Results of this process's entries applied before their writer asked for them. */
  private readonly early = new Map<string, ApplyResult>();
  private reachers: Array<{ target: string; resolve: () => void }> = [];
  /** The processes whose entries were applied since `takeWriters` was last called. */
  private writers = new Set<string>();

  constructor(
    private readonly store: MetricStore,
    private readonly nonce: string,
    private readonly logger: Logger,
    private readonly observer: PersistenceObserver,
  ) {}

  apply([id, fields]: StreamEntry) {
    // A read that was in flight while a reload applied the same entries: each is applied once.
    if (compareStreamIds(id, this.position) <= 0) return;
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
    this.position = id;
    if (owner) this.writers.add(owner);
    if (owner === this.nonce) {
      const waiter = this.waiters.get(id);
      if (waiter) {
        this.waiters.delete(id);
        waiter(result);
      } else this.early.set(id, result);
    }
    if (this.reachers.length > 0) {
      const ready = this.reachers.filter((w) => compareStreamIds(w.target, id) <= 0);
      this.reachers = this.reachers.filter((w) => compareStreamIds(w.target, id) > 0);
      for (const w of ready) w.resolve();
    }
  }

  /** The processes that wrote what was applied since the last call (this one included). */
  takeWriters(): Set<string> {
    const writers = this.writers;
    this.writers = new Set();
    return writers;
  }

  /** The result of applying this process's entry `id`; 'unavailable' if it is not applied within `timeoutMs`. */
  resultOf(id: string, timeoutMs: number): Promise<ApplyResult> {
    const early = this.early.get(id);
    if (early) {
      this.early.delete(id);
      return Promise.resolve(early);
    }
    return new Promise<ApplyResult>((resolve) => {
      const timeout = setTimeout(() => {
        this.waiters.delete(id);
        resolve({
          outcome: 'unavailable',
          message: 'push stored in Redis but not yet applied here; retry with the same X-Push-Id',
        });
      }, timeoutMs);
      this.waiters.set(id, (result) => {
        clearTimeout(timeout);
        resolve(result);
      });
    });
  }

  /** Resolves once the entry `target` is applied; StorageUnavailable if that takes longer than `timeoutMs`. */
  reach(target: string, timeoutMs: number): Promise<void> {
    if (compareStreamIds(this.position, target) >= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        this.reachers = this.reachers.filter((w) => w !== waiter);
        reject(
          new StorageUnavailable('the gateway could not catch up with the Redis stream in time; retry later'),
        );
      }, timeoutMs);
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timeout);
          resolve();
        },
      };
      this.reachers.push(waiter);
    });
  }
}
