/**
 * Questions a student asked that the API has not answered yet, kept on the device
 * (localStorage) so that a dropped connection, a timeout or a reload loses nothing. Each item
 * carries its own Idempotency-Key, so sending it again — after a timeout whose request did in fact
 * arrive — is answered once.
 */
export interface QueuedQuestion {
  /** Idempotency-Key of the question. */
  key: string;
  /** Idempotency-Key of the study session it starts when it has none yet. */
  sessionKey: string;
  sessionId?: string;
  subject: string;
  question: string;
  queuedAt: number;
  attempts: number;
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export type SendOutcome =
  | { ok: true }
  /** Worth trying again later: offline, timed out, 5xx, 429. */
  | {
      ok: false;
      retry: true;
      reason: StopReason;
      retryAfterSeconds?: number;
    }
  /** The API refused it for good (4xx): keep no longer, tell the student why. */
  | { ok: false; retry: false; message: string };

/** Why sending stopped: the connection, the API's limit, or a login that ended (`signed_out`). */
export type StopReason = 'offline' | 'timeout' | 'failed' | 'rate_limited' | 'signed_out';

const STORAGE_KEY = 'bb.queue.v1';

export class QuestionQueue {
  constructor(
    private readonly store: KeyValueStore,
    private readonly storageKey = STORAGE_KEY,
  ) {}

  list(): QueuedQuestion[] {
    try {
      const parsed = JSON.parse(this.store.getItem(this.storageKey) ?? '[]');
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return []; // a corrupted entry must not break asking
    }
  }

  private save(items: QueuedQuestion[]) {
    this.store.setItem(this.storageKey, JSON.stringify(items));
  }

  add(item: Omit<QueuedQuestion, 'queuedAt' | 'attempts'>, now = Date.now()): QueuedQuestion {
    const queued = { ...item, queuedAt: now, attempts: 0 };
    this.save([...this.list(), queued]);
    return queued;
  }

  update(key: string, patch: Partial<QueuedQuestion>) {
    this.save(this.list().map((q) => (q.key === key ? { ...q, ...patch } : q)));
  }

  remove(key: string) {
    this.save(this.list().filter((q) => q.key !== key));
  }
}

export interface DrainReport {
  sent: QueuedQuestion[];
  refused: { item: QueuedQuestion; message: string }[];
  /** Why draining stopped early, if it did; the rest stay queued in order. */
  stopped?: StopReason;
  /** With `rate_limited`: how long the API asked to wait. */
  retryAfterSeconds?: number;
}

let draining: Promise<DrainReport> | undefined;

/**
 * Sends queued questions oldest first, one at a time; `send` sees the attempt's number in
 * `attempts` (2 and up: a replay). Stops at the first retryable failure (the
 * connection is gone; the rest would fail too). One drain at a time per page.
 */
export function drainQueue(queue: QuestionQueue, send: (item: QueuedQuestion) => Promise<SendOutcome>) {
  draining ??= (async function drainOnce(): Promise<DrainReport> {
    const report: DrainReport = { sent: [], refused: [] };
    for (const waiting of queue.list()) {
      const item = { ...waiting, attempts: waiting.attempts + 1 };
      queue.update(item.key, { attempts: item.attempts });
      const outcome = await send(item);
      if (outcome.ok) {
        queue.remove(item.key);
        report.sent.push(item);
      } else if (outcome.retry) {
        report.stopped = outcome.reason;
        report.retryAfterSeconds = outcome.retryAfterSeconds;
        break;
      } else {
        queue.remove(item.key);
        report.refused.push({ item, message: outcome.message });
      }
    }
    return report;
  })().finally(() => {
    draining = undefined;
  });
  return draining;
}
