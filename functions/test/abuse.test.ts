import { FakeOpenAi } from '@brainbytes/testkit/fake-openai';
import { eventually, smtpSink } from '@brainbytes/testkit/services';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, type Json, useApi } from './api-harness';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const from = (address: string) => ({ 'X-Forwarded-For': address });
const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe.each(databases)('abuse of the API on %s', (_name, open) => {
  describe('log-in guessing', () => {
    const h = useApi(open, {
      API_RATE_LOGIN_ACCOUNT_ADDRESS: '5/15m',
      API_RATE_LOGIN_ADDRESS: '20/15m',
      API_RATE_LOGIN_ACCOUNT: '50/1h',
    });
    const login = (email: string, password: string, address: string) =>
      h.call('POST', '/api/auth/login', { email, password }, from(address));

    it('checks at most 5 guesses for an account, however many arrive at once (200 in parallel)', async () => {
      const { email } = await h.newStudent();
      const guesses = Array.from({ length: 200 }, (_, i) => (i === 150 ? 'maganda123' : `wrong-${i}`));
      const replies = await Promise.all(guesses.map((password) => login(email, password, '192.0.2.10')));
      const statuses = replies.map((r) => r.status);
      expect(count(statuses, 200) + count(statuses, 401)).toBeLessThanOrEqual(5);
      expect(count(statuses, 429)).toBeGreaterThanOrEqual(195);
      const refused = replies.find((r) => r.status === 429)!;
      expect(refused.body).toMatchObject({ code: 'rate_limited', limit: expect.stringMatching(/^login_/) });
    });

    it("lets the owner in from elsewhere while an attacker spends its own budget, not the owner's", async () => {
      const { email } = await h.newStudent();
      const attacker = [];
      for (let i = 0; i < 8; i++) attacker.push((await login(email, `guess-${i}`, '203.0.113.7')).status);
      expect(attacker).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      expect((await login(email, 'maganda123', '198.51.100.20')).status).toBe(200);
    });

    it('limits a flood of unknown emails from one address like known ones, before any hashing', async () => {
      const flood = await Promise.all(
        Array.from({ length: 60 }, (_, i) => login(`nobody${i}@example.ph`, 'whatever1', '203.0.113.99')),
      );
      const statuses = flood.map((r) => r.status);
      expect(count(statuses, 401)).toBeLessThanOrEqual(20);
      expect(count(statuses, 429)).toBeGreaterThanOrEqual(40);
      const { email } = await h.newStudent();
      expect((await login(email, 'maganda123', '198.51.100.21')).status).toBe(200);
      const counted = (await h.samples()).get('brainbytes_api_rate_limited_total{limit="login_address"}');
      expect(counted).toBeGreaterThanOrEqual(40);
    });

    it('answers a wrong password for a known email as fast as one for an unknown email', async () => {
      const { email } = await h.newStudent();
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 4; i++) {
        for (const [list, who] of [
          [known, email],
          [unknown, `ghost${i}@example.ph`],
        ] as const) {
          const t0 = performance.now();
          expect((await login(who, 'not-the-password', `198.51.100.${100 + i}`)).status).toBe(401);
          list.push(performance.now() - t0);
        }
      }
      const ratio = median(known) / median(unknown);
      expect(
        ratio,
        `known ${median(known).toFixed(0)} ms, unknown ${median(unknown).toFixed(0)} ms`,
      ).toBeGreaterThan(0.6);
      expect(ratio).toBeLessThan(1.6);
    });
  });

  describe('AI spend per student', () => {
    const h = useApi(open, { API_RATE_QUESTIONS: '5,3/1m', API_RATE_SESSIONS: '3/1h' });

    it('answers a burst of 5 questions, then 429 with Retry-After; a retry of an answered one is free', async () => {
      const { token } = await h.newStudent();
      const session = await h.call('POST', '/api/sessions', { subject: 'math' }, h.auth(token));
      const calls = h.tutorCalls.length;
      const ask = (i: number) =>
        h.call(
          'POST',
          `/api/sessions/${session.body.id}/questions`,
          { question: `What is ${i} + ${i}?` },
          { ...h.auth(token), 'Idempotency-Key': `q-${i}` },
        );
      const statuses = [];
      for (let i = 0; i < 12; i++) statuses.push((await ask(i)).status);
      expect(statuses).toEqual([201, 201, 201, 201, 201, ...Array(7).fill(429)]);
      expect(h.tutorCalls.length - calls).toBe(5); // the provider was asked 5 times, not 12
      const limited = await fetch(`${h.url}/api/sessions/${session.body.id}/questions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...h.auth(token) },
        body: JSON.stringify({ question: 'one more?' }),
      });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(20);
      expect(await limited.json()).toMatchObject({
        code: 'rate_limited',
        limit: 'questions',
        error: expect.stringMatching(/try again in \d+ seconds/),
      });
      expect((await ask(2)).status).toBe(200); // answered before: from the store, no token, no provider call
      expect((await h.samples()).get('brainbytes_api_rate_limited_total{limit="questions"}')).toBe(8);
    });

    it('limits new study sessions per student', async () => {
      const { token } = await h.newStudent();
      const statuses = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await h.call('POST', '/api/sessions', { subject: 'science' }, h.auth(token))).status);
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
    });
  });

  describe('a daily cap on questions', () => {
    const h = useApi(open, { API_RATE_QUESTIONS_DAILY: '3/1d' });

    it('stops a student at the daily cap with a message that says so', async () => {
      const { token } = await h.newStudent();
      const session = await h.call('POST', '/api/sessions', { subject: 'english' }, h.auth(token));
      const replies = [];
      for (let i = 0; i < 4; i++)
        replies.push(
          await h.call(
            'POST',
            `/api/sessions/${session.body.id}/questions`,
            { question: `Word ${i}?` },
            h.auth(token),
          ),
        );
      expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 429]);
      expect(replies[3]!.body).toMatchObject({
        limit: 'questions_daily',
        error: expect.stringContaining('today'),
      });
    });
  });

  describe('bad input', () => {
    const h = useApi(open);

    it('refuses an idempotency key reused with a different body with 422, and repeats the same one', async () => {
      const { token } = await h.newStudent();
      const key = { ...h.auth(token), 'Idempotency-Key': 'same-key' };
      const first = await h.call('POST', '/api/sessions', { subject: 'math' }, key);
      expect(first.status).toBe(201);
      expect((await h.call('POST', '/api/sessions', { subject: 'math' }, key)).status).toBe(200);
      const other = await h.call('POST', '/api/sessions', { subject: 'history' }, key);
      expect([other.status, other.body.error]).toEqual([
        422,
        expect.stringContaining('Idempotency-Key was already used'),
      ]);
      const path = `/api/sessions/${first.body.id}/questions`;
      const qKey = { ...h.auth(token), 'Idempotency-Key': 'q-key' };
      expect((await h.call('POST', path, { question: 'What is a noun?' }, qKey)).status).toBe(201);
      expect((await h.call('POST', path, { question: 'What is a noun?' }, qKey)).status).toBe(200);
      const changed = await h.call('POST', path, { question: 'What is a verb?' }, qKey);
      expect(changed.status).toBe(422);
    });

    it.each([
      [
        'register',
        '/api/auth/register',
        { email: 'nul@example.ph', name: 'Ju\u0000an', password: 'maganda123' },
        'name',
      ],
      ['login', '/api/auth/login', { email: 'nul@example.ph', password: 'maganda\u0000123' }, 'password'],
    ])('answers a NUL character in %s with 400 naming the field', async (_, path, body, field) => {
      const reply = await h.call('POST', path, body);
      expect([reply.status, reply.body.error]).toEqual([400, `${field}: must not contain a NUL character`]);
    });

    it('answers a NUL character in a question with 400', async () => {
      const { token } = await h.newStudent();
      const session = await h.call('POST', '/api/sessions', { subject: 'math' }, h.auth(token));
      const reply = await h.call(
        'POST',
        `/api/sessions/${session.body.id}/questions`,
        { question: 'a\u0000b' },
        h.auth(token),
      );
      expect([reply.status, reply.body.error]).toEqual([400, 'question: must not contain a NUL character']);
    });
  });
});

describe.each(databases)('retries and forged addresses on %s', (_name, open) => {
  describe('one Idempotency-Key, five retries at once', () => {
    const provider = new FakeOpenAi();
    beforeAll(async () => {
      await provider.start();
    });
    afterAll(async () => provider.stop());
    const h = useApi(open, {}, () => ({
      OPENAI_API_KEY: 'sk-test-retries',
      OPENAI_BASE_URL: provider.url,
      AI_MODEL: 'gpt-4o-mini',
    }));

    it('bills the provider once and answers all five with the one stored question (was: billed five times)', async () => {
      const { token } = await h.newStudent();
      const session = await h.call('POST', '/api/sessions', { subject: 'math' }, h.auth(token));
      const before = provider.requests.length;
      h.setTutor({ delayMs: 400 });
      const headers = { ...h.auth(token), 'Idempotency-Key': 'flaky-phone-1' };
      const replies = await Promise.all(
        Array.from({ length: 5 }, () =>
          h.call(
            'POST',
            `/api/sessions/${session.body.id}/questions`,
            { question: 'What is 1/2 + 1/3?' },
            headers,
          ),
        ),
      );
      h.setTutor({ delayMs: 0 });
      expect(provider.requests.length - before).toBe(1);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
      const [ledger] = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ai_calls');
      expect(ledger!.n).toBe(1);
      const [claims] = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM question_claims');
      expect(claims!.n).toBe(0);
    });

    it('tells a retry the question is still being answered (409 in_progress) when the first takes too long, and bills nothing twice', async () => {
      const { token } = await h.newStudent();
      const session = await h.call('POST', '/api/sessions', { subject: 'math' }, h.auth(token));
      const before = provider.requests.length;
      h.setTutor({ delayMs: 6_500 });
      const headers = { ...h.auth(token), 'Idempotency-Key': 'slow-answer' };
      const path = `/api/sessions/${session.body.id}/questions`;
      const first = h.call('POST', path, { question: 'What is a prime?' }, headers);
      await new Promise((r) => setTimeout(r, 300));
      const retry = await h.call('POST', path, { question: 'What is a prime?' }, headers);
      const changed = await h.call('POST', path, { question: 'What is a verb?' }, headers);
      h.setTutor({ delayMs: 0 });
      expect([retry.status, retry.body.code]).toEqual([409, 'in_progress']);
      expect(changed.status).toBe(422); // the key is held for a different question
      expect((await first).status).toBe(201);
      expect((await h.call('POST', path, { question: 'What is a prime?' }, headers)).status).toBe(200);
      expect(provider.requests.length - before).toBe(1);
    }, 20_000);

    it('lets a retry try again after the tutor failed: a failure releases the key', async () => {
      const { token } = await h.newStudent();
      const session = await h.call('POST', '/api/sessions', { subject: 'math' }, h.auth(token));
      const headers = { ...h.auth(token), 'Idempotency-Key': 'after-failure' };
      const path = `/api/sessions/${session.body.id}/questions`;
      h.setTutor({ down: true });
      expect((await h.call('POST', path, { question: 'What is a noun?' }, headers)).status).toBe(503);
      h.setTutor({ down: false });
      expect((await h.call('POST', path, { question: 'What is a noun?' }, headers)).status).toBe(201);
    });
  });

  describe('no proxy in front (npm start, docker compose)', () => {
    const h = useApi(open, { API_TRUST_PROXY_HOPS: '0', API_RATE_QUESTIONS_ADDRESS: '10/1m' });

    it('ignores a forged X-Forwarded-For: 100 questions from one socket under 100 claimed addresses are limited as one (was: 100 of 100)', async () => {
      const { token } = await h.newStudent();
      const session = await h.call('POST', '/api/sessions', { subject: 'math' }, h.auth(token));
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) {
        const reply = await h.call(
          'POST',
          `/api/sessions/${session.body.id}/questions`,
          { question: `Question ${i}?` },
          { ...h.auth(token), ...from(`198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`) },
        );
        statuses.push(reply.status);
      }
      expect(count(statuses, 201)).toBe(10);
      expect(count(statuses, 429)).toBe(90);
    });
  });

  describe('an attacker aiming the account lock at its owner', () => {
    const h = useApi(open, {
      API_RATE_LOGIN_ACCOUNT_ADDRESS: '5/15m',
      API_RATE_LOGIN_ADDRESS: '20/15m',
      API_RATE_LOGIN_ACCOUNT: '50/1h',
    });
    const login = (email: string, password: string, address: string, devices?: string[]) =>
      h.call('POST', '/api/auth/login', { email, password, ...(devices ? { devices } : {}) }, from(address));

    it('keeps the owner’s own phone able to log in after 11 addresses × 5 guesses, and still bounds the guesses', async () => {
      const { email } = await h.newStudent();
      const owner = await login(email, 'maganda123', '198.51.100.50');
      expect(owner.status).toBe(200);
      const device = String(owner.body.device);
      expect(device).toMatch(/^d1\.\d+\.[\w-]{43}$/);
      const other = await h.newStudent();
      const othersDevice = String((await login(other.email, 'maganda123', '198.51.100.51')).body.device);

      const guesses: number[] = [];
      for (let a = 0; a < 11; a++)
        for (let g = 0; g < 5; g++)
          guesses.push((await login(email, `guess-${a}-${g}`, `203.0.113.${a + 1}`)).status);
      // The account as a whole is locked: 49 guesses were checked (the owner's log-in took one of 50).
      expect(count(guesses, 401)).toBe(49);
      expect(count(guesses, 429)).toBe(6);
      // Without a device token, or with another account's, the owner waits like the attacker (was: for everyone).
      expect((await login(email, 'maganda123', '198.51.100.60')).status).toBe(429);
      expect((await login(email, 'maganda123', '198.51.100.61', [othersDevice])).status).toBe(429);
      expect((await login(email, 'maganda123', '198.51.100.62', ['d1.1.forged'])).status).toBe(429);
      // The owner's phone, on whatever address the network gives it today: in.
      expect((await login(email, 'maganda123', '198.51.100.63', [device])).status).toBe(200);
      // A stolen device token gives no more guesses than the per-address bucket: 5, then 429.
      const withToken: number[] = [];
      for (let g = 0; g < 7; g++)
        withToken.push((await login(email, `again-${g}`, '203.0.113.99', [device])).status);
      expect(withToken).toEqual([401, 401, 401, 401, 401, 429, 429]);
    });
  });

  describe('account farming from one address', () => {
    const h = useApi(open, { API_RATE_SIGNUPS_ADDRESS: '3/1d' });

    it('limits sign-ups per address per day (API_RATE_SIGNUPS_ADDRESS), other addresses unaffected', async () => {
      const signUp = (i: number, address: string) =>
        h.call(
          'POST',
          '/api/auth/register',
          { email: `farm${i}-${address}@example.ph`, name: 'Farm', password: 'maganda123' },
          from(address),
        );
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await signUp(i, '203.0.113.200')).status);
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      const refused = await signUp(9, '203.0.113.200');
      expect(refused.body).toMatchObject({ code: 'rate_limited', limit: 'signups_address' });
      expect(refused.body.error).toContain('too many new accounts from this network today');
      expect((await signUp(0, '203.0.113.201')).status).toBe(201);
    });
  });
});

describe.each(databases)('sign-up without enumeration on %s (API_SIGNUP_SMTP_URL set)', (_name, open) => {
  let smtp: Awaited<ReturnType<typeof smtpSink>>;
  const env: Record<string, string> = {};
  beforeAll(async () => {
    smtp = await smtpSink();
    env.API_SIGNUP_SMTP_URL = `smtp://127.0.0.1:${smtp.port}`;
  });
  afterAll(async () => smtp?.close());
  const h = useApi(open, env);
  const mailsTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email));
  const codeIn = (text: string | undefined) => /\b(\d{6})\b/.exec(text ?? '')?.[1];
  const signUp = (email: string, password = 'maganda123') =>
    h.call('POST', '/api/auth/register', { email, name: 'Ana', password });

  it('answers a new and a taken email alike — status, body and time — and tells each by email (was: 409 for a taken one)', async () => {
    // An account, made the way every account is now: sign up, then the code from the email.
    const owner = `owner-${Date.now()}@example.ph`;
    expect((await signUp(owner, 'owner-secret-1')).status).toBe(202);
    const code = await eventually('the code email', () => codeIn(mailsTo(owner)[0]?.parsed.text));
    const finished = await h.call('POST', '/api/auth/verify', {
      email: owner,
      code,
      password: 'owner-secret-1',
    });
    expect(finished.status).toBe(201);
    expect((await h.call('GET', '/api/sessions', undefined, h.auth(finished.body.token))).status).toBe(200);

    const taken: number[] = [];
    const fresh: number[] = [];
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) {
      for (const [list, email] of [
        [taken, owner],
        [fresh, `new${i}-${Date.now()}@example.ph`],
      ] as const) {
        const t0 = performance.now();
        const reply = await signUp(email, `attempt-${i}-pw`);
        list.push(performance.now() - t0);
        expect(reply.status, email).toBe(202);
        bodies.add(JSON.stringify(reply.body));
      }
    }
    expect(bodies.size).toBe(1); // byte for byte the same answer
    expect(JSON.parse([...bodies][0]!)).toEqual({
      status: 'check_email',
      message: expect.stringContaining('Check your email'),
    });
    const ratio = median(taken) / median(fresh);
    expect(ratio, `taken ${median(taken).toFixed(0)} ms, new ${median(fresh).toFixed(0)} ms`).toBeGreaterThan(
      0.6,
    );
    expect(ratio).toBeLessThan(1.6);
    // The owner hears that someone tried; the account and its password are unchanged.
    await eventually('the notes to the owner', () => (mailsTo(owner).length >= 5 ? true : undefined));
    expect(
      mailsTo(owner)
        .slice(1)
        .every((m) => m.parsed.subject === 'You already have a BrainBytes account'),
    ).toBe(true);
    expect(
      (await h.call('POST', '/api/auth/login', { email: owner, password: 'owner-secret-1' })).status,
    ).toBe(200);
  });

  it('finishes a sign-up only with its own code and password: a code an attacker’s sign-up sent does not carry the owner’s password', async () => {
    const email = `pending-${Date.now()}@example.ph`;
    await signUp(email, 'attackers-password'); // someone else first
    await signUp(email, 'my-own-password');
    const codes = await eventually('both codes', () => {
      const found = mailsTo(email).map((m) => codeIn(m.parsed.text));
      return found.length === 2 ? found : undefined;
    });
    const attempt = (code: string | undefined, password: string) =>
      h.call('POST', '/api/auth/verify', { email, code, password });
    expect((await attempt(codes[0], 'my-own-password')).status).toBe(401); // the attacker's code
    expect((await attempt('000000', 'my-own-password')).status).toBe(401);
    const mine = await attempt(codes[1], 'my-own-password');
    expect(mine.status).toBe(201);
    expect((await attempt(codes[0], 'attackers-password')).status).toBe(401); // gone with the sign-up
    expect((await h.call('POST', '/api/auth/login', { email, password: 'my-own-password' })).status).toBe(
      200,
    );
    expect((await attempt('12345', 'x')).body.error).toBe('code: the six digits from the email');
  });
});

describe('AUTH_TOKEN_TTL_HOURS=0.5', () => {
  const h = useApi(databases[0]![1], { AUTH_TOKEN_TTL_HOURS: '0.5' });

  it('issues tokens that work for half an hour (was: every log-in a 500)', async () => {
    const { email } = await h.newStudent();
    const login = await h.call('POST', '/api/auth/login', { email, password: 'maganda123' });
    expect(login.status).toBe(200);
    const [row] = await h.db.query<{ minutes: number }>(
      'SELECT extract(epoch FROM max(expires_at) - now())::float / 60 AS minutes FROM auth_sessions',
    );
    expect(row!.minutes).toBeGreaterThan(29);
    expect(row!.minutes).toBeLessThanOrEqual(30);
    expect((await h.call('GET', '/api/sessions', undefined, h.auth(login.body.token))).status).toBe(200);
  });
});

describe('the real PostgreSQL dropping idle connections (Heroku Postgres maintenance)', () => {
  const h = useApi(databases[1]![1]);

  it('survives pg_terminate_backend on every idle connection of its pool, and counts it', async () => {
    const { token } = await h.newStudent();
    await Promise.all(
      Array.from({ length: 6 }, () => h.call('GET', '/api/sessions', undefined, h.auth(token))),
    );
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const { rows } = await admin.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
       WHERE application_name LIKE 'api_test_%' AND state = 'idle' AND pid <> pg_backend_pid()`,
    );
    await admin.end();
    expect(rows.filter((r) => r.terminated).length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    const after = await Promise.all(
      Array.from({ length: 6 }, () => h.call('GET', '/api/sessions', undefined, h.auth(token))),
    );
    expect(after.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect((await h.samples()).get('brainbytes_db_connection_errors_total{}')).toBeGreaterThanOrEqual(1);
    expect((await h.call('GET', '/api/health')).body as Json).toMatchObject({ status: 'ok' });
  });
});
