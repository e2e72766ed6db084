import type { z } from 'zod';

export interface ClientObserver {
  onRequest?(endpoint: string, code: string): void;
  onError?(endpoint: string, reason: string): void;
  onRateLimit?(remaining: number): void;
}

export interface ClientOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  /** Attempts for 429 and 5xx answers, with exponential backoff and full jitter. */
  attempts?: number;
  backoffBaseMs?: number;
  observer?: ClientObserver;
}

/** A Platform API failure; `reason` is bounded (`timeout`, `http_503`, `invalid_json`, `invalid_response`, …). */
export class PlatformError extends Error {
  constructor(
    readonly endpoint: string,
    readonly reason: string,
    detail: string,
  ) {
    super(`${endpoint}: ${detail}`);
  }
}

/**
 * A small Heroku Platform API v3 client: Bearer token, the v3 Accept header, `206` + `Next-Range`
 * pagination, backoff with jitter on 429 and 5xx, a timeout per request, and every response
 * validated before it is returned. `endpoint` is the path template, used as a bounded metric label.
 */
export class PlatformClient {
  private readonly attempts: number;
  private readonly backoffBaseMs: number;

  constructor(private readonly options: ClientOptions) {
    this.attempts = options.attempts ?? 4;
    this.backoffBaseMs = options.backoffBaseMs ?? 1000;
  }

  async get<T>(endpoint: string, path: string, schema: z.ZodType<T>): Promise<T> {
    const { body } = await this.request(endpoint, path);
    return this.validate(endpoint, schema, body);
  }

  /** Every item of a list, following `Next-Range` while the API answers 206 (at most `maxPages` pages). */
  async list<T>(
    endpoint: string,
    path: string,
    schema: z.ZodType<T>,
    range?: string,
    maxPages = 100,
  ): Promise<T[]> {
    const items: T[] = [];
    let next = range;
    for (let page = 0; page < maxPages; page++) {
      const { body, nextRange } = await this.request(endpoint, path, next);
      if (!Array.isArray(body)) throw this.fail(endpoint, 'invalid_response', 'expected a JSON array');
      for (const item of body) items.push(this.validate(endpoint, schema, item));
      if (!nextRange) return items;
      next = nextRange;
    }
    if (maxPages < 100) return items;
    throw this.fail(endpoint, 'too_many_pages', 'more than 100 pages');
  }

  private validate<T>(endpoint: string, schema: z.ZodType<T>, value: unknown): T {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw this.fail(
      endpoint,
      'invalid_response',
      `unexpected response: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`,
    );
  }

  private fail(endpoint: string, reason: string, detail: string) {
    this.options.observer?.onError?.(endpoint, reason);
    return new PlatformError(endpoint, reason, detail);
  }

  private async request(
    endpoint: string,
    path: string,
    range?: string,
  ): Promise<{ body: unknown; nextRange?: string }> {
    let lastReason = '';
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      if (attempt > 0) {
        const cap = this.backoffBaseMs * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
      }
      let res: Response;
      try {
        res = await fetch(this.options.baseUrl + path, {
          headers: {
            Accept: 'application/vnd.heroku+json; version=3',
            Authorization: `Bearer ${this.options.token}`,
            'User-Agent': 'brainbytes-heroku-exporter',
            ...(range ? { Range: range } : {}),
          },
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        const reason = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network';
        this.options.observer?.onRequest?.(endpoint, reason);
        lastReason = reason;
        continue;
      }
      this.options.observer?.onRequest?.(endpoint, String(res.status));
      const remaining = Number(res.headers.get('ratelimit-remaining'));
      if (res.headers.has('ratelimit-remaining') && Number.isFinite(remaining))
        this.options.observer?.onRateLimit?.(remaining);
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel();
        lastReason = `http_${res.status}`;
        continue;
      }
      const text = await res.text();
      if (res.status !== 200 && res.status !== 206) {
        throw this.fail(endpoint, `http_${res.status}`, `HTTP ${res.status}: ${text.slice(0, 200)}`);
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw this.fail(endpoint, 'invalid_json', 'the response is not JSON');
      }
      return {
        body,
        nextRange: res.status === 206 ? (res.headers.get('next-range') ?? undefined) : undefined,
      };
    }
    throw this.fail(endpoint, lastReason, `gave up after ${this.attempts} attempts (${lastReason})`);
  }
}
