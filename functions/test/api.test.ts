import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type AppMetrics, createAppMetrics, createLogger } from '@brainbytes/telemetry';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScrape } from '../../pushgateway/test/helpers/exposition';
import { createAiApp } from '../src/ai/app';
import { loadAiConfig } from '../src/ai/config';
import { Tutor } from '../src/ai/tutor';
import { type AskTutor, httpTutor } from '../src/api/ai-client';
import { createApiApp } from '../src/api/app';
import { TokenSigner } from '../src/api/auth';
import type { Database } from '../src/api/db/database';
import { instrumentDatabase } from '../src/api/db/instrumented';
import { migrate } from '../src/api/db/migrations';
import { openPglite } from '../src/api/db/pglite';
import { openPostgres } from '../src/api/db/postgres';
import { Learning } from '../src/api/learning';
import { Students } from '../src/api/students';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const listen = async (app: ReturnType<typeof createApiApp>) => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
};

type Json = Record<string, unknown> & { token: string; id: string; error: string; answer: string };

const databases: Array<[string, () => Promise<{ db: Database; drop: () => Promise<void> }>]> = [
  ['PGlite', async () => ({ db: await openPglite('memory://'), drop: async () => {} })],
  [
    'PostgreSQL (the real server on this machine)',
    async () => {
      const schema = `api_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      const db = openPostgres(PG_URL, { schema });
      return {
        db,
        drop: async () => {
          await db.close();
          const c = new pg.Client({ connectionString: PG_URL });
          await c.connect();
          await c.query(`DROP SCHEMA ${schema} CASCADE`);
          await c.end();
        },
      };
    },
  ],
];

describe.each(databases)('API on %s', (_name, open) => {
  let api: { url: string; close: () => Promise<void> };
  let ai: { url: string; close: () => Promise<void> };
  let store: { db: Database; drop: () => Promise<void> };
  const tutorCalls: unknown[] = [];
  let tutorDown = false;
  let tutorDelayMs = 0;
  const registry = new Registry();
  const metrics: AppMetrics = createAppMetrics(registry);
  const samples = async () => readScrape(await registry.metrics()).samples;

  beforeAll(async () => {
    store = await open();
    expect(await migrate(store.db)).toEqual([1]);
    expect(await migrate(store.db)).toEqual([]); // migrations run once
    const tutor = new Tutor(loadAiConfig({}), createAppMetrics(new Registry()), createLogger('error'));
    ai = await listen(
      createAiApp(tutor, createLogger('error')) as unknown as ReturnType<typeof createApiApp>,
    );
    const viaHttp = httpTutor(ai.url, 5000);
    const askTutor: AskTutor = async (request) => {
      tutorCalls.push(request);
      await new Promise((r) => setTimeout(r, tutorDelayMs));
      if (tutorDown) return httpTutor('http://127.0.0.1:1', 500)(request);
      return viaHttp(request);
    };
    const db = instrumentDatabase(store.db, metrics);
    api = await listen(
      createApiApp({
        db,
        students: new Students(db, new TokenSigner('x'.repeat(32)), 24, metrics),
        learning: new Learning(db, askTutor, metrics),
        logger: createLogger('error'),
        metrics,
      }),
    );
  });
  afterAll(async () => {
    await api?.close();
    await ai?.close();
    await store?.drop();
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(api.url + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  let n = 0;
  const newStudent = async () => {
    const email = `student${++n}-${randomBytes(3).toString('hex')}@example.ph`;
    const { status, body } = await call('POST', '/api/auth/register', {
      email,
      name: 'Juan',
      password: 'maganda123',
    });
    expect(status).toBe(201);
    return { email, token: body.token };
  };

  it('register → log in → start a session → ask → read the history', async () => {
    const { email } = await newStudent();
    const login = await call('POST', '/api/auth/login', {
      email: email.toUpperCase(),
      password: 'maganda123',
    });
    expect(login.status).toBe(200);
    const session = await call('POST', '/api/sessions', { subject: 'math' }, auth(login.body.token));
    expect(session.status).toBe(201);
    const asked = await call(
      'POST',
      `/api/sessions/${session.body.id}/questions`,
      { question: 'How do I add fractions?' },
      auth(login.body.token),
    );
    expect(asked.status).toBe(201);
    expect(asked.body.answer).toMatch(/^\(Offline tutor\) To add fractions/);
    const history = await call(
      'GET',
      `/api/sessions/${session.body.id}/questions`,
      undefined,
      auth(login.body.token),
    );
    expect((history.body as unknown as Json[]).map((q) => q.question)).toEqual(['How do I add fractions?']);
    const sessions = await call('GET', '/api/sessions', undefined, auth(login.body.token));
    expect(sessions.body).toEqual([
      expect.objectContaining({ id: session.body.id, subject: 'math', questions: 1 }),
    ]);
    expect((await call('GET', '/api/health')).body).toEqual({ status: 'ok', database: store.db.kind });
  });

  it('stores and answers a question sent twice with one idempotency key once', async () => {
    const { token } = await newStudent();
    const session = await call(
      'POST',
      '/api/sessions',
      { subject: 'science' },
      { ...auth(token), 'Idempotency-Key': 'sess-1' },
    );
    const again = await call(
      'POST',
      '/api/sessions',
      { subject: 'science' },
      { ...auth(token), 'Idempotency-Key': 'sess-1' },
    );
    expect([session.status, again.status, again.body.id]).toEqual([201, 200, session.body.id]);
    const before = tutorCalls.length;
    const path = `/api/sessions/${session.body.id}/questions`;
    const headers = { ...auth(token), 'Idempotency-Key': 'q-1' };
    const first = await call('POST', path, { question: 'What is photosynthesis?' }, headers);
    const retry = await call('POST', path, { question: 'What is photosynthesis?' }, headers);
    expect([first.status, retry.status, retry.body.id]).toEqual([201, 200, first.body.id]);
    expect(tutorCalls.length - before).toBe(1);
    const racing = await Promise.all(
      [1, 2, 3].map(() =>
        call(
          'POST',
          path,
          { question: 'Plants and sunlight?' },
          { ...auth(token), 'Idempotency-Key': 'q-2' },
        ),
      ),
    );
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    const history = await call('GET', path, undefined, auth(token));
    expect(history.body).toHaveLength(2);
  });

  it('stores nothing when the tutor cannot answer, and says to send again', async () => {
    const { token } = await newStudent();
    const session = await call('POST', '/api/sessions', { subject: 'history' }, auth(token));
    tutorDown = true;
    const failed = await call(
      'POST',
      `/api/sessions/${session.body.id}/questions`,
      { question: 'Who was Rizal?' },
      auth(token),
    );
    tutorDown = false;
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatch(/not saved, please send it again/);
    expect(
      (await call('GET', `/api/sessions/${session.body.id}/questions`, undefined, auth(token))).body,
    ).toEqual([]);
  });

  it('does not tell which emails exist, and locks an account after repeated failures', async () => {
    const { email } = await newStudent();
    const unknown = await call('POST', '/api/auth/login', {
      email: 'nobody@example.ph',
      password: 'whatever1',
    });
    const wrong = await call('POST', '/api/auth/login', { email, password: 'wrong-pass' });
    expect([unknown.status, unknown.body.error]).toEqual([401, 'email or password is wrong']);
    expect([wrong.status, wrong.body.error]).toEqual([401, 'email or password is wrong']);
    for (let i = 0; i < 4; i++) await call('POST', '/api/auth/login', { email, password: 'wrong-pass' });
    const locked = await call('POST', '/api/auth/login', { email, password: 'maganda123' });
    expect([locked.status, locked.body.error]).toEqual([
      429,
      expect.stringMatching(/too many failed log-ins/),
    ]);
    const taken = await call('POST', '/api/auth/register', { email, name: 'Other', password: 'another123' });
    expect(taken.status).toBe(409);
  });

  it('refuses missing, forged and signed-out tokens', async () => {
    const { token } = await newStudent();
    expect((await call('GET', '/api/sessions')).status).toBe(401);
    expect(
      (await call('GET', '/api/sessions', undefined, auth(`${token.split('.')[0]}.forged`))).status,
    ).toBe(401);
    expect((await call('POST', '/api/auth/logout', undefined, auth(token))).status).toBe(204);
    const after = await call('GET', '/api/sessions', undefined, auth(token));
    expect([after.status, after.body.error]).toEqual([401, expect.stringMatching(/signed out/)]);
  });

  it('keeps students apart and answers odd ids with 404', async () => {
    const a = await newStudent();
    const b = await newStudent();
    const session = await call('POST', '/api/sessions', { subject: 'english' }, auth(a.token));
    expect(
      (await call('GET', `/api/sessions/${session.body.id}/questions`, undefined, auth(b.token))).status,
    ).toBe(404);
    expect((await call('GET', "/api/sessions/1' OR '1'='1/questions", undefined, auth(a.token))).status).toBe(
      404,
    );
  });

  it.each([
    [
      '/api/auth/register',
      { email: 'not-an-email', name: 'A', password: 'longenough' },
      400,
      /email: must be an email address/,
    ],
    [
      '/api/auth/register',
      { email: 'a@b.ph', name: 'A', password: 'short' },
      400,
      /password: at least 8 characters/,
    ],
    ['/api/auth/register', { email: 'a@b.ph', password: 'longenough' }, 400, /name: /],
    ['/api/auth/login', '{"email": ', 400, /body is not valid JSON/],
    ['/api/auth/login', { email: 'a@b.ph', password: 'x'.repeat(20_000) }, 413, /larger than 16kb/],
  ])('POST %s with %j → %i', async (path, body, status, message) => {
    const res = await call('POST', path, body);
    expect([res.status, res.body.error]).toEqual([status, expect.stringMatching(message)]);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  });

  it('stores text built to look like SQL or HTML as plain text', async () => {
    const { token } = await newStudent();
    const session = await call('POST', '/api/sessions', { subject: 'general' }, auth(token));
    const odd = "Robert'); DROP TABLE students;-- <script>alert(1)</script>";
    const asked = await call(
      'POST',
      `/api/sessions/${session.body.id}/questions`,
      { question: odd },
      auth(token),
    );
    expect(asked.status).toBe(201);
    expect(asked.body.question).toBe(odd);
    expect((await call('GET', '/api/health')).status).toBe(200);
    const bad = await call(
      'POST',
      `/api/sessions/${session.body.id}/questions`,
      { question: 'x'.repeat(2001) },
      auth(token),
    );
    expect([bad.status, bad.body.error]).toEqual([400, 'question: at most 2000 characters']);
    const badSubject = await call('POST', '/api/sessions', { subject: 'astrology' }, auth(token));
    expect(badSubject.body.error).toMatch(/subject: one of math/);
  });

  it('records HTTP, auth, learning and database metrics by route template and client type', async () => {
    const phone = { 'User-Agent': 'Mozilla/5.0 (Linux; Android 13; SM-A146P) Mobile Safari/537.36' };
    const { token } = await newStudent();
    const session = await call(
      'POST',
      '/api/sessions',
      { subject: 'filipino' },
      { ...auth(token), ...phone },
    );
    await call(
      'POST',
      `/api/sessions/${session.body.id}/questions`,
      { question: 'Ano ang pangngalan at pandiwa?' },
      { ...auth(token), ...phone },
    );
    await call('GET', '/api/no-such-thing'); // Node's fetch says `User-Agent: node`: a desktop client
    const s = await samples();
    const route = '/api/sessions/:id/questions';
    expect(
      s.get(
        `brainbytes_http_requests_total{client_type="mobile",method="POST",route="${route}",status_code="201"}`,
      ),
    ).toBe(1);
    expect(s.get(`brainbytes_http_response_size_bytes_count{client_type="mobile",route="${route}"}`)).toBe(1);
    expect(
      s.get(`brainbytes_http_response_size_bytes_sum{client_type="mobile",route="${route}"}`),
    ).toBeGreaterThan(200);
    expect(
      s.get(
        'brainbytes_http_requests_total{client_type="desktop",method="GET",route="unmatched",status_code="404"}',
      ),
    ).toBe(1);
    expect([...s.keys()].some((k) => k.includes(session.body.id))).toBe(false); // never a raw path
    expect(s.get('brainbytes_questions_total{client_type="mobile",subject="filipino"}')).toBe(1);
    expect(s.get('brainbytes_auth_events_total{event="register",outcome="success"}')).toBeGreaterThan(0);
    expect(s.get('brainbytes_auth_events_total{event="login",outcome="locked"}')).toBe(1);
    expect(s.get('brainbytes_study_sessions_started_total{}')).toBeGreaterThan(0);
    expect(s.get('brainbytes_db_query_duration_seconds_count{operation="insert_questions"}')).toBeGreaterThan(
      0,
    );
  });

  it('counts a request the client abandoned before the answer came', async () => {
    const { token } = await newStudent();
    const session = await call('POST', '/api/sessions', { subject: 'math' }, auth(token));
    tutorDelayMs = 400;
    const gaveUp = fetch(`${api.url}/api/sessions/${session.body.id}/questions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...auth(token) },
      body: JSON.stringify({ question: 'What is 20% of 350?' }),
      signal: AbortSignal.timeout(100),
    });
    await expect(gaveUp).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 600));
    tutorDelayMs = 0;
    const route = '/api/sessions/:id/questions';
    expect(
      (await samples()).get(`brainbytes_http_requests_aborted_total{client_type="desktop",route="${route}"}`),
    ).toBe(1);
  });
});
