import type { IncomingMessage } from 'node:http';
import { readLimited } from '@brainbytes/telemetry/service/http-server';
import type { Credential } from '../config';
import { HttpError, hasCredentials } from '../credentials';
import { forEachFrame } from './frames';
import type { DrainIngest } from './ingest';
import type { DrainMetrics } from './metrics';

export interface ReceiverOptions {
  credentials: Credential | undefined;
  tokens: readonly string[];
  maxBodyBytes: number;
  /** Logplex-Frame-Ids remembered to skip retried frames. */
  rememberFrames?: number;
}

/**
 * `POST /drain[/<app>]` for Heroku HTTPS log drains: basic auth from the drain URL, an optional
 * Logplex-Drain-Token allow-list, and Logplex-Frame-Id dedupe so a frame Logplex retries counts once.
 */
export class DrainReceiver {
  private readonly frames = new Map<string, true>();

  constructor(
    private readonly ingest: DrainIngest,
    private readonly metrics: DrainMetrics,
    private readonly options: ReceiverOptions,
  ) {}

  async receive(req: IncomingMessage, app: string): Promise<void> {
    const outcome = (o: string) => this.metrics.drainRequests.add(`outcome="${o}"`, 1);
    if (this.options.credentials && !hasCredentials(req, this.options.credentials)) {
      outcome('unauthorized');
      req.resume();
      throw new HttpError(401, 'drain credentials required (basic auth from the drain URL)');
    }
    const token = String(req.headers['logplex-drain-token'] ?? '');
    if (this.options.tokens.length > 0 && !this.options.tokens.includes(token)) {
      outcome('forbidden');
      req.resume();
      throw new HttpError(403, 'Logplex-Drain-Token is not in HEROKU_DRAIN_TOKENS');
    }
    const frameId = req.headers['logplex-frame-id'];
    const body = await readLimited(req, this.options.maxBodyBytes, 'HEROKU_DRAIN_MAX_BODY_BYTES', 'body');
    if (typeof frameId === 'string' && frameId) {
      if (this.frames.has(frameId)) {
        this.metrics.drainDuplicates.add('', 1);
        outcome('duplicate');
        return;
      }
      this.frames.set(frameId, true);
      if (this.frames.size > (this.options.rememberFrames ?? 10_000))
        this.frames.delete(this.frames.keys().next().value!);
    }
    const { messages, malformed } = forEachFrame(body, this.ingest.forApp(app));
    if (malformed > 0) this.metrics.drainMalformed.add('', malformed);
    if (messages === 0 && body.length > 0) {
      outcome('invalid');
      throw new HttpError(400, 'body is not application/logplex-1 (octet-counted syslog frames)');
    }
    outcome('accepted');
  }
}
