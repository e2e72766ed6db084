import { createHash } from 'node:crypto';
import type { AppMetrics } from '@brainbytes/telemetry/metrics';
import type { Queryable } from '../data/database';
import { type Refused, refused } from '../errors';

/** A token bucket: `burst` at once, refilled at `refill` per `windowSeconds`. */
export interface Rate {
  burst: number;
  refill: number;
  windowSeconds: number;
}

/** Every limit the API enforces; each is a setting (see config.ts) and a value of the `limit` label. */
export const LIMITS = [
  'login_account_address',
  'login_address',
  'login_account',
  'signups_address',
  'signup_mail',
  'questions',
  'questions_daily',
  'questions_address',
  'sessions',
  'rum',
] as const;
export type LimitName = (typeof LIMITS)[number];
export type RateLimitSettings = Record<Exclude<LimitName, 'rum'>, Rate>;

const WHY: Record<LimitName, string> = {
  login_account_address: 'too many log-in attempts for this account from here',
  login_address: 'too many sign-ups and log-ins from this network',
  login_account: 'too many log-in attempts for this account',
  signups_address: 'too many new accounts from this network today',
  signup_mail: 'too many sign-up emails to this address',
  questions: 'you are asking faster than the tutor allows',
  questions_daily: 'you have asked the most questions allowed today',
  questions_address: 'too many questions from this network',
  sessions: 'too many new study sessions',
  rum: 'too many measurement batches from this client',
};

/** What every limit answers: a message, how long to wait, and a code the web app shows in the student's language. */
export function rateLimited(limit: LimitName, retryAfterSeconds: number): Refused {
  const wait = Math.max(1, Math.ceil(retryAfterSeconds));
  const when = wait < 120 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`;
  return refused('limited', `${WHY[limit]}; try again in ${when}`, {
    code: 'rate_limited',
    limit,
    retryAfterSeconds: wait,
  });
}

// One statement takes a token or takes nothing, under the row's lock: however many requests race,
// no more than the bucket holds get through (PostgreSQL and PGlite alike).
const TAKE = `
  INSERT INTO rate_limits AS r (key, tokens, updated_at) VALUES ($1, $2::float8 - 1, now())
  ON CONFLICT (key) DO UPDATE SET
    tokens = LEAST($2::float8, r.tokens + EXTRACT(EPOCH FROM now() - r.updated_at)::float8 * $3::float8) - 1,
    updated_at = now()
  WHERE LEAST($2::float8, r.tokens + EXTRACT(EPOCH FROM now() - r.updated_at)::float8 * $3::float8) >= 1
  RETURNING tokens`;
const LEFT = `
  SELECT LEAST($2::float8, tokens + EXTRACT(EPOCH FROM now() - updated_at)::float8 * $3::float8) AS tokens
  FROM rate_limits WHERE key = $1`;

/**
 * Rate limits kept in the database, so they hold across every Lambda instance and dyno. Keys are
 * hashed: no email or address is stored twice.
 */
export class RateLimits {
  constructor(
    private readonly db: Queryable,
    private readonly settings: RateLimitSettings,
    private readonly metrics?: AppMetrics,
  ) {}

  /** Takes one token from `limit`'s bucket for `subject`, or throws `limited` with how long to wait. */
  async take(limit: Exclude<LimitName, 'rum'>, subject: string): Promise<void> {
    const rate = this.settings[limit];
    const perSecond = rate.refill / rate.windowSeconds;
    const key = bucketKey(limit, subject);
    const taken = await this.db.query(TAKE, [key, rate.burst, perSecond]);
    if (taken.length > 0) return;
    const [left] = await this.db.query<{ tokens: number }>(LEFT, [key, rate.burst, perSecond]);
    this.metrics?.apiRateLimited.inc({ limit });
    throw rateLimited(limit, (1 - Number(left?.tokens ?? 0)) / perSecond);
  }

  /** Fills `limit`'s bucket for `subject` again (a correct password ends the count of wrong ones). */
  async reset(limit: Exclude<LimitName, 'rum'>, subject: string): Promise<void> {
    await this.db.query('DELETE FROM rate_limits WHERE key = $1', [bucketKey(limit, subject)]);
  }

  /** Forgets buckets idle for longer than a day: they are full again by then. */
  async prune(): Promise<void> {
    await this.db.query("DELETE FROM rate_limits WHERE updated_at < now() - interval '1 day'");
  }
}

function bucketKey(limit: string, subject: string): string {
  return `${limit}:${createHash('sha256').update(subject).digest('base64url').slice(0, 27)}`;
}
