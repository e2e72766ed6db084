/** Real-user metric events, as POST /api/rum takes them (functions/src/api/rum.ts). */
export type ClientType = 'mobile' | 'desktop' | 'unknown';
export type Connection = '4g' | '3g' | '2g' | 'slow-2g' | 'unknown';

interface Common {
  page: string;
  client_type: ClientType;
  connection: Connection;
}

export type RumEvent = Common &
  (
    | { type: 'page_view' }
    | { type: 'action'; action: 'ask' | 'subject_change' | 'language_switch' | 'retry' }
    | { type: 'error'; kind: 'js' | 'api' }
    | { type: 'vital'; name: 'LCP' | 'FCP' | 'TTFB' | 'INP' | 'CLS'; value: number }
    | { type: 'transfer'; bytes: number }
    | { type: 'connection'; event: 'offline' | 'online' | 'timeout' | 'failed' | 'replayed' }
  );

export interface RumBatcherOptions {
  /** Hands a JSON body to the network; returns false when it could not be queued. */
  send: (body: string) => boolean;
  /** The API takes at most 100 events per batch. */
  maxEvents?: number;
  flushAfterMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/**
 * Collects events and sends them in batches: when `maxEvents` are waiting, `flushAfterMs` after
 * the first one, and whenever the page is hidden (the caller calls `flush`). A batch the browser
 * would not take stays for the next flush, bounded so a long offline stretch cannot grow it forever.
 */
export class RumBatcher {
  private events: RumEvent[] = [];
  private timer: unknown;
  private readonly maxEvents: number;
  private readonly flushAfterMs: number;

  constructor(private readonly options: RumBatcherOptions) {
    this.maxEvents = Math.min(options.maxEvents ?? 20, 100);
    this.flushAfterMs = options.flushAfterMs ?? 10_000;
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
      if (!this.options.send(JSON.stringify({ events: batch }))) return;
      this.events.splice(0, batch.length);
    }
  }
}
