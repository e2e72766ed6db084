import type { RumEvent } from '@brainbytes/functions/contracts';

/** Real-user metric events: the API's own type for what POST /api/rum takes (erased at build). */
export type { RumEvent };
export type ClientType = RumEvent['client_type'];
export type Connection = RumEvent['connection'];

type Compact = [string, ...(string | number)[]];

/** One event as the compact body carries it (functions/src/api/rum.ts reads it back). */
function compactEvent(e: RumEvent): Compact {
  switch (e.type) {
    case 'page_view':
      return ['pv'];
    case 'action':
      return ['a', e.action];
    case 'error':
      return ['e', e.kind];
    case 'vital':
      return [
        'v',
        e.name,
        Math.round(e.name === 'CLS' ? e.value * 1000 : e.value) / (e.name === 'CLS' ? 1000 : 1),
      ];
    case 'transfer':
      return ['t', e.bytes];
    case 'connection':
      return ['c', e.event];
  }
}

/**
 * A batch in the compact form: grouped by page, client type and connection, which every event
 * would otherwise repeat (≈90 B an event plain, ≈12 B compact).
 */
export function compactBatch(events: RumEvent[]): string {
  const groups = new Map<string, { p: string; c: string; n: string; e: Compact[] }>();
  for (const e of events) {
    const key = `${e.page} ${e.client_type} ${e.connection}`;
    let group = groups.get(key);
    if (!group) {
      group = { p: e.page, c: e.client_type, n: e.connection, e: [] };
      groups.set(key, group);
    }
    group.e.push(compactEvent(e));
  }
  return JSON.stringify({ g: [...groups.values()] });
}

export interface RumBatcherOptions {
  /** Hands a JSON body to the network; returns false when it could not be queued. */
  send: (body: string) => boolean;
  /** The API takes at most 100 events per batch (the default: one batch per page in practice). */
  maxEvents?: number;
  /** A fallback for a page never hidden; batches go when the page is hidden (the caller flushes). */
  flushAfterMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/**
 * Collects events and sends them once, when the page is hidden (the caller calls `flush`): one
 * request per visit instead of one every few seconds, each request costing ≈700 B of headers on a
 * prepaid plan. Also when `maxEvents` are waiting, and `flushAfterMs` after the first one. A batch the browser
 * would not take stays for the next flush, bounded so a long offline stretch cannot grow it forever.
 */
export class RumBatcher {
  private events: RumEvent[] = [];
  private timer: unknown;
  private readonly maxEvents: number;
  private readonly flushAfterMs: number;

  constructor(private readonly options: RumBatcherOptions) {
    this.maxEvents = Math.min(options.maxEvents ?? 100, 100);
    this.flushAfterMs = options.flushAfterMs ?? 300_000;
  }

  get pending(): number {
    return this.events.length;
  }

  add(event: RumEvent) {
    this.events.push(event);
    if (this.events.length > 100) this.events.splice(0, this.events.length - 100);
    if (this.events.length >= this.maxEvents) this.flush();
    else if (this.timer === undefined) {
      const set = this.options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
      this.timer = set(() => {
        this.timer = undefined;
        this.flush();
      }, this.flushAfterMs);
    }
  }

  flush() {
    if (this.timer !== undefined) {
      (this.options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>)))(this.timer);
      this.timer = undefined;
    }
    while (this.events.length) {
      const batch = this.events.slice(0, this.maxEvents);
      if (!this.options.send(compactBatch(batch))) return;
      this.events.splice(0, batch.length);
    }
  }
}
