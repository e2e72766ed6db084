import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Counter, type Registry } from 'prom-client';
import { CATALOG } from './catalog';
import { collectDelta, type Snapshot } from './delta';
import { groupingPath } from './grouping-path';

export interface PushClientOptions {
  /** The gateway's base URL; `https://user:password@host` moves the credentials into a Basic header. */
  url: string;
  registry: Registry;
  job: string;
  /** Grouping labels besides job; BrainBytes uses `environment` and `platform`, never an instance. */
  groupings?: Record<string, string>;
  /** `user:password` for the gateway's push role. */
  credentials?: string;
  /** The most one flush may take, retries included. */
  timeoutMs?: number;
  /** The most samples one push carries; the rest wait for a later push and are counted. */
  maxSeries?: number;
  onError?: (message: string) => void;
}

export interface FlushResult {
  pushed: number;
  ok: boolean;
}

interface PendingPush {
  id: string;
  body: Buffer;
  snapshot: Snapshot;
  samples: number;
}

const RETRY_PAUSE_MS = 25;

/**
 * Pushes what changed in a registry since the gateway last acknowledged a push, as one gzipped
 * delta push carrying a push id. A push that fails is sent again, with the same id and body,
 * before anything newer, so the gateway applies it exactly once. `flush` never throws and never
 * takes longer than `timeoutMs`.
 */
export class PushClient {
  private acked: Snapshot = new Map();
  private pending: PendingPush | undefined;
  private inflight: Promise<FlushResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly endpoint: string;
  private readonly headers: Record<string, string>;
  private readonly dropped: Counter<'reason'>;
  private lastErrorLog = 0;
  private readonly timeoutMs: number;
  private readonly maxSeries: number;

  constructor(private readonly options: PushClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 500;
    this.maxSeries = options.maxSeries ?? 10_000;
    const url = new URL(options.url);
    const userinfo = url.username
      ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
      : undefined;
    url.username = '';
    url.password = '';
    this.endpoint =
      url.origin + url.pathname.replace(/\/$/, '') + groupingPath(options.job, options.groupings ?? {});
    const credentials = options.credentials ?? userinfo;
    this.headers = {
      'Content-Type': 'text/plain; version=0.0.4',
      'Content-Encoding': 'gzip',
      'X-Push-Mode': 'delta',
      ...(credentials ? { Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } : {}),
    };
    const name = CATALOG.pushDroppedSamples.name;
    this.dropped =
      (options.registry.getSingleMetric(name) as Counter<'reason'> | undefined) ??
      new Counter({
        name,
        help: CATALOG.pushDroppedSamples.help,
        labelNames: ['reason'],
        registers: [options.registry],
      });
  }

  /** Sends what is pending and what changed since; resolves within `timeoutMs`, never rejects. */
  flush(): Promise<FlushResult> {
    this.inflight ??= this.flushWithin(Date.now() + this.timeoutMs).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async flushWithin(deadline: number): Promise<FlushResult> {
    let pushed = 0;
    try {
      for (let round = 0; round < 2; round++) {
        if (!this.pending && !(await this.prepare())) return { pushed, ok: true };
        if (!(await this.sendPending(deadline))) return { pushed, ok: false };
        pushed++;
      }
      return { pushed, ok: true };
    } catch (error) {
      this.report(`metrics push failed unexpectedly: ${(error as Error).message}`);
      return { pushed, ok: false };
    }
  }

  private async prepare(): Promise<boolean> {
    const delta = await collectDelta(this.options.registry, this.acked, this.maxSeries);
    if (delta.dropped > 0) this.dropped.inc({ reason: 'series_limit' }, delta.dropped);
    if (delta.samples === 0) return false;
    this.pending = {
      id: randomUUID(),
      body: gzipSync(delta.text),
      snapshot: delta.snapshot,
      samples: delta.samples,
    };
    return true;
  }

  /** Tries the pending push until it is answered or the deadline passes. True once it is applied. */
  private async sendPending(deadline: number): Promise<boolean> {
    const push = this.pending!;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      let status: number;
      let detail = '';
      try {
        const res = await fetch(this.endpoint, {
          method: 'POST',
          headers: { ...this.headers, 'X-Push-Id': push.id },
          body: new Uint8Array(push.body), // a plain view: fetch body types differ between Node and DOM typings
          signal: AbortSignal.timeout(remaining),
        });
        status = res.status;
        detail = status >= 400 ? (await res.text()).slice(0, 300) : '';
        if (status < 400) await res.body?.cancel();
      } catch (error) {
        this.report(
          `metrics push to ${new URL(this.endpoint).host} failed: ${(error as Error).message}; kept for the next push`,
        );
        await pause(Math.min(RETRY_PAUSE_MS, deadline - Date.now()));
        continue;
      }
      if (status >= 200 && status < 300) {
        this.acked = push.snapshot;
        this.pending = undefined;
        return true;
      }
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        // Refused for good (bad credentials, an inconsistent type): sending it again cannot help.
        this.dropped.inc({ reason: `http_${status}` }, push.samples);
        this.acked = push.snapshot;
        this.pending = undefined;
        this.report(`the gateway refused a metrics push (${status}): ${detail}`);
        return false;
      }
      this.report(`the gateway answered ${status}; the push is kept and retried`);
      await pause(Math.min(RETRY_PAUSE_MS, deadline - Date.now()));
    }
  }

  private report(message: string) {
    const now = Date.now();
    if (now - this.lastErrorLog < 60_000) return;
    this.lastErrorLog = now;
    (this.options.onError ?? ((m) => console.warn(`[telemetry] ${m}`)))(message);
  }

  /**
   * Long-lived processes: flush every `intervalMs`, and once more on SIGTERM (Heroku's shutdown
   * signal). When nothing else handles SIGTERM, the signal's default (exit) follows the flush.
   */
  start(intervalMs = 10_000) {
    this.timer = setInterval(() => void this.flush(), intervalMs).unref();
    process.once('SIGTERM', this.onSigterm);
    return this;
  }

  private readonly onSigterm = () => {
    void this.stop().then(() => {
      if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
    });
  };

  /** Stops the interval and sends what is left. */
  async stop(): Promise<FlushResult> {
    clearInterval(this.timer);
    process.removeListener('SIGTERM', this.onSigterm);
    return this.flush();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
