import { createAppMetrics } from '@brainbytes/telemetry/metrics';
import { createLogger } from '@brainbytes/telemetry/service';
import { readScrape } from '@brainbytes/testkit/exposition';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectBusinessMetrics } from '../src/jobs/business-metrics';
import {
  ensureSyntheticStudent,
  journeyDue,
  loadSyntheticSettings,
  runJourney,
  syntheticStudentRun,
} from '../src/jobs/synthetic-student';
import { databases, useApi } from './api-harness';

const SECRET = 'x'.repeat(32); // the harness's AUTH_SECRET
const logger = createLogger('error');

describe.each(databases)('the synthetic student (%s)', (_name, open) => {
  // Tight limits: the synthetic student is not held to the question and session limits, and logs
  // in like a returning phone (its device token), so its account's lock-out limit never counts it.
  const api = useApi(open, {
    API_RATE_QUESTIONS: '1/1h',
    API_RATE_QUESTIONS_DAILY: '1/1d',
    API_RATE_QUESTIONS_ADDRESS: '1/1h',
    API_RATE_SESSIONS: '1/1h',
    API_RATE_LOGIN_ACCOUNT: '2/1h',
  });
  const journeyMetrics = () => {
    const registry = new Registry();
    return {
      metrics: createAppMetrics(registry),
      samples: async () => readScrape(await registry.metrics()).samples,
    };
  };

  it('logs in, opens a session, asks, reads the answer back, and says so per step', async () => {
    const settings = loadSyntheticSettings({ SYNTHETIC_API_URL: api.url }, SECRET)!;
    const { metrics, samples } = journeyMetrics();
    // Three runs: past the limits of 1 question and 1 session an hour, and 2 log-ins an hour.
    for (let i = 0; i < 3; i++)
      expect(await syntheticStudentRun(api.db, settings, metrics, logger)).toBe(true);
    const s = await samples();
    for (const step of ['login', 'session', 'ask', 'history', 'journey']) {
      expect(s.get(`brainbytes_synthetic_journey_success{step="${step}"}`), step).toBe(1);
      expect(s.get(`brainbytes_synthetic_journey_duration_seconds{step="${step}"}`), step).toBeGreaterThan(0);
    }
    // The API counted its questions apart, and its AI spend (the offline tutor: $0, so no increment).
    const api$ = await api.samples();
    expect(api$.get('brainbytes_questions_total{client_type="synthetic",subject="math"}')).toBe(3);
    // It left nothing open: every session ended, every token revoked.
    const [open$] = await api.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM study_sessions WHERE ended_at IS NULL AND student_id IN (SELECT id FROM students WHERE synthetic)',
    );
    expect(open$?.n).toBe(0);
    const [tokens] = await api.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM auth_sessions WHERE revoked_at IS NULL AND student_id IN (SELECT id FROM students WHERE synthetic)',
    );
    expect(tokens?.n).toBe(0);
  });

  it('is no student: business metrics leave it out, and a real student still meets the limits', async () => {
    const settings = loadSyntheticSettings({ SYNTHETIC_API_URL: api.url }, SECRET)!;
    const { metrics } = journeyMetrics();
    await syntheticStudentRun(api.db, settings, metrics, logger);
    const registry = new Registry();
    const business = createAppMetrics(registry);
    await collectBusinessMetrics(api.db, business);
    const s = readScrape(await registry.metrics()).samples;
    expect(s.get('brainbytes_active_students{window="1d"}')).toBe(0);
    expect(s.get('brainbytes_study_sessions_open{}')).toBe(0);
    expect(s.get('brainbytes_questions_last_30d{subject="math"}')).toBeUndefined();
    // A real student: one session an hour, then 429.
    const { token } = await api.newStudent();
    expect((await api.call('POST', '/api/sessions', { subject: 'math' }, api.auth(token))).status).toBe(201);
    expect((await api.call('POST', '/api/sessions', { subject: 'math' }, api.auth(token))).status).toBe(429);
    await collectBusinessMetrics(api.db, business);
    expect(readScrape(await registry.metrics()).samples.get('brainbytes_active_students{window="1d"}')).toBe(
      1,
    );
  });

  it('when the tutor fails, the ask step fails and history is not reached; login and session still pass', async () => {
    const settings = loadSyntheticSettings({ SYNTHETIC_API_URL: api.url }, SECRET)!;
    const { metrics, samples } = journeyMetrics();
    api.setTutor({ down: true });
    try {
      await ensureSyntheticStudent(api.db, settings);
      const result = await runJourney(settings, metrics, logger);
      expect(result).toMatchObject({ ok: false, failed: 'ask' });
    } finally {
      api.setTutor({ down: false });
    }
    const s = await samples();
    expect(s.get('brainbytes_synthetic_journey_success{step="login"}')).toBe(1);
    expect(s.get('brainbytes_synthetic_journey_success{step="session"}')).toBe(1);
    expect(s.get('brainbytes_synthetic_journey_success{step="ask"}')).toBe(0);
    expect(s.get('brainbytes_synthetic_journey_success{step="history"}')).toBe(0);
    expect(s.get('brainbytes_synthetic_journey_success{step="journey"}')).toBe(0);
  });

  it('never takes over a real student’s account, and logs in again after AUTH_SECRET changes', async () => {
    const { email } = await api.newStudent();
    const taken = loadSyntheticSettings(
      { SYNTHETIC_API_URL: api.url, SYNTHETIC_STUDENT_EMAIL: email },
      SECRET,
    )!;
    const { metrics, samples } = journeyMetrics();
    expect(await syntheticStudentRun(api.db, taken, metrics, logger)).toBe(false);
    expect((await samples()).get('brainbytes_synthetic_journey_success{step="login"}')).toBeUndefined();
    // A new AUTH_SECRET (development restarts with a fresh one): the password follows it.
    const other = loadSyntheticSettings({ SYNTHETIC_API_URL: api.url }, 'y'.repeat(32))!;
    expect(await ensureSyntheticStudent(api.db, other)).toBe(true);
    const [row] = await api.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM students WHERE synthetic',
    );
    expect(row?.n).toBe(1);
  });
});

describe('its settings and schedule', () => {
  it('is off without SYNTHETIC_API_URL, and refuses a URL with credentials', () => {
    expect(loadSyntheticSettings({}, SECRET)).toBeUndefined();
    expect(() => loadSyntheticSettings({ SYNTHETIC_API_URL: 'https://u:p@web.example' }, SECRET)).toThrow(
      /SYNTHETIC_API_URL=.*without credentials/,
    );
    expect(() => loadSyntheticSettings({ SYNTHETIC_API_URL: 'web' }, SECRET)).toThrow(/must be a URL/);
    expect(() =>
      loadSyntheticSettings(
        { SYNTHETIC_API_URL: 'https://web.example', SYNTHETIC_INTERVAL_SECONDS: '1' },
        SECRET,
      ),
    ).toThrow(/SYNTHETIC_INTERVAL_SECONDS/);
  });

  it('runs every other 5-minute Lambda schedule at the default 10 minutes', () => {
    const five = 300_000;
    const due = Array.from({ length: 6 }, (_, i) => journeyDue(i * five, five, 600_000));
    expect(due).toEqual([true, false, true, false, true, false]);
    expect(journeyDue(7 * five, five, 300_000)).toBe(true);
  });
});
