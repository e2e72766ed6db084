/**
 * Push ids applied recently, so that a retried delta push is applied once. Bounded by count and
 * by age; ages are measured in operation time so that replaying the log gives the same answers.
 */
export class PushIdWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
  ) {}

  has(id: string, nowMs: number): boolean {
    this.evict(nowMs);
    return this.seen.has(id);
  }

  add(id: string, timeMs: number) {
    this.seen.set(id, timeMs);
    this.evict(timeMs);
  }

  get size() {
    return this.seen.size;
  }

  entries(): Array<[string, number]> {
    return [...this.seen];
  }

  private evict(nowMs: number) {
    for (const [id, time] of this.seen) {
      if (this.seen.size <= this.maxEntries && nowMs - time <= this.maxAgeMs) break;
      this.seen.delete(id);
    }
  }
}
