import { createHash } from 'node:crypto';
import type { Operation } from './types';

/** What a push id stands for: the same id must always carry the same method, mode, group and body. */
export function pushFingerprint(op: Extract<Operation, { kind: 'push' }>, groupKey: string): string {
  return createHash('sha256')
    .update(`${op.method}\u0000${op.delta}\u0000${groupKey}\u0000`)
    .update(op.body)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * Push ids applied recently, with the fingerprint of the push each stood for, so that a retried
 * delta push is applied once and a reused id with another push is refused. Bounded by count and
 * by age; ages are measured in operation time so that replaying the log gives the same answers.
 */
/** What one remembered id costs: the id and fingerprint in memory and in the snapshot, and the map entry. */
const entryBytes = (id: string, fingerprint: string) => 2 * (id.length + fingerprint.length) + 120;

export class PushIdWindow {
  private readonly seen = new Map<string, { time: number; fingerprint: string }>();
  /** What the remembered ids cost, counted in PUSHGATEWAY_MAX_BYTES with the stored metrics. */
  bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
  ) {}

  /** The fingerprint the id was applied with ('' when restored from a state that had none), or undefined. */
  get(id: string, nowMs: number): string | undefined {
    this.evict(nowMs);
    return this.seen.get(id)?.fingerprint;
  }

  add(id: string, timeMs: number, fingerprint = '') {
    const known = this.seen.get(id);
    if (known) this.bytes -= entryBytes(id, known.fingerprint);
    this.seen.set(id, { time: timeMs, fingerprint });
    this.bytes += entryBytes(id, fingerprint);
    this.evict(timeMs);
  }

  /** Forgets every id (the state is being read again from a snapshot that carries its own). */
  clear() {
    this.seen.clear();
    this.bytes = 0;
  }

  get size() {
    return this.seen.size;
  }

  entries(): Array<[id: string, time: number, fingerprint: string]> {
    return [...this.seen].map(([id, { time, fingerprint }]) => [id, time, fingerprint]);
  }

  private evict(nowMs: number) {
    for (const [id, { time, fingerprint }] of this.seen) {
      if (this.seen.size <= this.maxEntries && nowMs - time <= this.maxAgeMs) break;
      this.seen.delete(id);
      this.bytes -= entryBytes(id, fingerprint);
    }
  }
}
