import { createHmac } from 'node:crypto';
import type { AppMetrics } from '@brainbytes/telemetry/metrics';
import { ConfigError, durationSetting, type Env, type Logger } from '@brainbytes/telemetry/service';
import { hashPassword, verifyPassword } from '../api/auth';
import type { Queryable } from '../data/database';

/**
 * The synthetic student: what a student does, from outside, on a schedule — log in, open a
 * session, ask one short question, read the answer back from history — timed per step and
 * pushed as `brainbytes_synthetic_journey_success{step}` and `…_duration_seconds{step}`. Its
 * account is flagged `synthetic` in the database: business metrics leave it out, per-student
 * limits do not apply to it, and its questions count as client_type="synthetic" with their AI
 * cost in `brainbytes_synthetic_ai_cost_dollars_total`.
 */
export const JOURNEY_STEPS = ['login', 'session', 'ask', 'history'] as const;
export type JourneyStep = (typeof JOURNEY_STEPS)[number];

export interface SyntheticSettings {
  /** SYNTHETIC_API_URL: where the journey goes (the public URL a phone uses, its /api); unset, off. */
  apiUrl: string;
  /** SYNTHETIC_STUDENT_EMAIL: the synthetic student's account. */
  email: string;
  /** Derived from AUTH_SECRET: no second secret to keep. */
  password: string;
  /** SYNTHETIC_INTERVAL_SECONDS (default 600). */
  intervalMs: number;
}

export function loadSyntheticSettings(env: Env, authSecret: string): SyntheticSettings | undefined {
  const text = env.SYNTHETIC_API_URL?.trim();
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(
      `SYNTHETIC_API_URL="${text}" must be a URL, e.g. https://brainbytes-web.herokuapp.com`,
    );
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search)
    throw new ConfigError(
      `SYNTHETIC_API_URL="${text}" must be an http(s) URL without credentials or a query`,
    );
  const email = env.SYNTHETIC_STUDENT_EMAIL?.trim() || 'synthetic-student@brainbytes.ph';
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    throw new ConfigError(`SYNTHETIC_STUDENT_EMAIL="${email}" must be an email address`);
  return {
    apiUrl: url.href.replace(/\/$/, ''),
    email,
    password: createHmac('sha256', authSecret).update('brainbytes synthetic student').digest('base64url'),
    intervalMs: durationSetting('SYNTHETIC_INTERVAL_SECONDS', env.SYNTHETIC_INTERVAL_SECONDS, '600', {
      min: 10_000,
      timer: true,
    }),
  };
}

/**
 * The synthetic student's account, flagged; made once, its password set again when AUTH_SECRET
 * changed. An account with that email that is not synthetic is a real student's: it is never
 * taken over (false).
 */
export async function ensureSyntheticStudent(db: Queryable, settings: SyntheticSettings): Promise<boolean> {
  const [row] = await db.query<{ synthetic: boolean; password_hash: string }>(
    'SELECT synthetic, password_hash FROM students WHERE email = $1',
    [settings.email],
  );
  if (row && !row.synthetic) return false;
  if (row) {
    if (!(await verifyPassword(settings.password, row.password_hash)))
      await db.query('UPDATE students SET password_hash = $2 WHERE email = $1 AND synthetic', [
        settings.email,
        await hashPassword(settings.password),
      ]);
    return true;
  }
  await db.query(
    `INSERT INTO students (email, name, password_hash, synthetic) VALUES ($1, 'Synthetic student', $2, true)
     ON CONFLICT (email) DO NOTHING`,
    [settings.email, await hashPassword(settings.password)],
  );
  return true;
}

const QUESTION = 'What is 7 + 5?';
/**
 * The device token each log-in returns, kept for the next (per email, for as long as the process
 * lives): the synthetic student logs in like a returning phone, so its runs never count against
 * its account's lock-out limit. A cold Lambda starts without one.
 */
const devices = new Map<string, string>();

/** One journey; every step is tried twice (a dropped packet is not an outage), each retry idempotent. */
export async function runJourney(
  settings: SyntheticSettings,
  metrics: AppMetrics,
  logger: Logger,
  timeoutMs = 30_000,
): Promise<{ ok: boolean; failed?: JourneyStep; seconds: Record<string, number> }> {
  const seconds: Record<string, number> = {};
  const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  let token = '';
  let sessionId = '';
  let answer = '';
  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const res = await fetch(`${settings.apiUrl}/api${path}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'BrainBytes-SyntheticStudent/1',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(key ? { 'Idempotency-Key': `synthetic-${run}-${key}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /api${path} answered ${res.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as Record<string, unknown> & Array<Record<string, unknown>>;
  };
  const steps: Record<JourneyStep, () => Promise<void>> = {
    login: async () => {
      const device = devices.get(settings.email);
      const body = await call('POST', '/auth/login', {
        email: settings.email,
        password: settings.password,
        ...(device ? { devices: [device] } : {}),
      });
      token = String(body.token ?? '');
      if (body.device) devices.set(settings.email, String(body.device));
      if (!token) throw new Error('log-in answered without a token');
    },
    session: async () => {
      sessionId = String((await call('POST', '/sessions', { subject: 'math' }, 'session')).id ?? '');
      if (!sessionId) throw new Error('the session has no id');
    },
    ask: async () => {
      answer = String(
        (await call('POST', `/sessions/${sessionId}/questions`, { question: QUESTION }, 'ask')).answer ?? '',
      );
      if (!answer.trim()) throw new Error('the tutor answered with nothing');
    },
    history: async () => {
      const history = await call('GET', `/sessions/${sessionId}/questions`);
      if (!history.some((q) => q.question === QUESTION && q.answer === answer))
        throw new Error('the answer is not in the session’s history');
    },
  };
  const started = performance.now();
  let failed: JourneyStep | undefined;
  for (const step of JOURNEY_STEPS) {
    if (failed) {
      metrics.syntheticJourneySuccess.set({ step }, 0); // not reached: only the first failure pages
      continue;
    }
    const t0 = performance.now();
    try {
      await steps[step]().catch(async () => {
        await new Promise((r) => setTimeout(r, 1_000));
        await steps[step]();
      });
      metrics.syntheticJourneySuccess.set({ step }, 1);
    } catch (error) {
      failed = step;
      metrics.syntheticJourneySuccess.set({ step }, 0);
      logger.warn('the synthetic student’s journey failed', { step, error: (error as Error).message });
    }
    seconds[step] = (performance.now() - t0) / 1000;
    metrics.syntheticJourneyDuration.set({ step }, seconds[step]);
  }
  seconds.journey = (performance.now() - started) / 1000;
  metrics.syntheticJourneySuccess.set({ step: 'journey' }, failed ? 0 : 1);
  metrics.syntheticJourneyDuration.set({ step: 'journey' }, seconds.journey);
  // Leave nothing open: the session ended, the token revoked (best effort, untimed).
  if (sessionId) await call('POST', `/sessions/${sessionId}/end`).catch(() => undefined);
  if (token) await call('POST', '/auth/logout').catch(() => undefined);
  return { ok: !failed, ...(failed ? { failed } : {}), seconds };
}

/**
 * One scheduled journey: the account made sure of, then the journey. Never throws (a failure is
 * what the metrics say); false when the email belongs to a real student.
 */
export async function syntheticStudentRun(
  db: Queryable,
  settings: SyntheticSettings,
  metrics: AppMetrics,
  logger: Logger,
): Promise<boolean> {
  try {
    if (!(await ensureSyntheticStudent(db, settings))) {
      logger.warn('SYNTHETIC_STUDENT_EMAIL is a real student’s account: the synthetic student does not run', {
        email: settings.email,
      });
      return false;
    }
    await runJourney(settings, metrics, logger);
    return true;
  } catch (error) {
    logger.warn('the synthetic student could not run', { error: (error as Error).message });
    return false;
  }
}

/** Whether a scheduled run (every `scheduleMs`, e.g. Lambda's 5 minutes) is one the interval wants. */
export const journeyDue = (nowMs: number, scheduleMs: number, intervalMs: number) =>
  Math.floor(nowMs / scheduleMs) % Math.max(1, Math.round(intervalMs / scheduleMs)) === 0;
