/**
 * Results kept by key, bounded in bytes: a result is made once at a time (every request for a key
 * while it is being made waits for the same one), reused for `ttlMs`, and the least recently used
 * go first when the kept bytes pass `maxBytes`. A result that fails is not kept.
 */
export class Kept<V> {
  readonly #entries = new Map<string, { value: Promise<V>; at: number; bytes: number }>();
  #bytes = 0;

  constructor(private readonly options: { maxBytes: number; ttlMs: number; bytesOf: (value: V) => number }) {}

  /** The kept result for `key`, or `make()`'s. */
  get(key: string, make: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < this.options.ttlMs) {
      // The most recently used is last in the map's order.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.value;
    }
    this.#drop(key);
    const entry = { value: make(), at: now, bytes: 0 };
    this.#entries.set(key, entry);
    entry.value.then(
      (value) => {
        if (this.#entries.get(key) !== entry) return;
        const bytes = this.options.bytesOf(value);
        // Over the bound alone: given, not kept, and nothing else dropped for it.
        if (bytes > this.options.maxBytes) return void this.#entries.delete(key);
        entry.bytes = bytes;
        this.#bytes += entry.bytes;
        for (const [other, kept] of this.#entries) {
          if (this.#bytes <= this.options.maxBytes) break;
          if (kept.bytes > 0) this.#drop(other);
        }
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return entry.value;
  }

  /** Bytes of the results kept now (not of those still being made). */
  get bytes() {
    return this.#bytes;
  }

  /** Keys kept now, least recently used first (with those being made). */
  keys() {
    return [...this.#entries.keys()];
  }

  #drop(key: string) {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#bytes -= entry.bytes;
    this.#entries.delete(key);
  }
}
