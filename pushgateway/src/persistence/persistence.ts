import type { ParsedPush } from '../exposition/parse';
import type { ApplyResult, Operation } from '../store/types';

/**
 * Where the gateway's state survives restarts. Every change is an operation: `submit` makes it
 * durable first and then applies it, so an acknowledged push is never lost.
 */
export interface Persistence {
  readonly kind: 'memory' | 'file' | 'redis';
  open(): Promise<void>;
  submit(op: Operation, parsed?: ParsedPush): Promise<ApplyResult>;
  /** Brings this process's view up to date with other processes (Redis); a no-op otherwise. */
  sync(): Promise<void>;
  /**
   * Drops the groups past their TTL at `nowMs`. One process: at once. Redis: as an operation in the
   * stream, so every process expires the same groups at the same point (one clock, not each dyno's).
   */
  expire(nowMs: number): Promise<void>;
  /** Why this process cannot make pushes durable or read its state right now; undefined when it can. */
  readyProblem(): string | undefined;
  close(): Promise<void>;
}

/** The durable write failed: nothing was stored or applied, and the client should retry (503). */
export class StorageUnavailable extends Error {
  override name = 'StorageUnavailable';
}

export interface PersistenceObserver {
  onWrite?(kind: 'append' | 'snapshot', seconds: number): void;
  onError?(kind: 'append' | 'snapshot' | 'load', error: unknown): void;
}
