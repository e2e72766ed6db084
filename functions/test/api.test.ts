import { describe, expect, it } from 'vitest';
import { databases, type Json, useApi } from './api-harness';

describe.each(databases)('API on %s', (_name, open) => {
  const h = useApi(open);

  it('register → log in → start a session → ask → read the history', async () => {
    const { email } = await h.newStudent();
    const login = await h.call('POST', '/api/auth/login', {
      email: email.toUpperCase(),
      password: 'maganda123',
    });
    expect(login.status).toBe(200);
    const session = await h.call('POST', '/api/sessions', { subject: 'math' }, h.auth(login.body.token));
    expect(session.status).toBe(201);
    const asked = await h.call(
      'POST',
      `/api/sessions/${session.body.id}/questions`,
      { question: 'How do I add fractions?' },
      h.auth(login.body.token),
    );
    expect(asked.status).toBe(201);
    expect(asked.body.answer).toMatch(/^\(Offline tutor\) To add fractions/);
    const history = await h.call(
      'GET',
      `/api/sessions/${session.body.id}/questions`,
      undefined,
      h.auth(login.body.token),
    );
    expect((history.body as unknown as Json[]).map((q) => q.question)).toEqual(['How do I add fractions?']);
    const sessions = await h.call('GET', '/api/sessions', undefined, h.auth(login.body.token));
    expect(sessions.body).toEqual([
      expect.objectContaining({
        id: session.body.id,
        subject: 'math',
        questions: 1,
        first_question: 'How do I add fractions?',
      }),
    ]);
    expect((await h.call('GET', '/api/health')).body).toEqual({ status: 'ok', database: h.db.kind });
  });

  it('lists each session with the start of its first question (cut, the first by time), none for an empty one', async () => {
    const { token } = await h.newStudent();
    const empty = await h.call('POST', '/api/sessions', { subject: 'science' }, h.auth(token));
    const session = await h.call('POST', '/api/sessions', { subject: 'history' }, h.auth(token));
    const long = `Bakit mahalaga ang Kasunduan sa Biak-na-Bato? ${'Ipaliwanag nang mabuti. '.repeat(20)}`;
    for (const question of [long, 'And the second one?'])
      await h.call('POST', `/api/sessions/${session.body.id}/questions`, { question }, h.auth(token));
    const sessions = (await h.call('GET', '/api/sessions', undefined, h.auth(token)))
      .body as unknown as Json[];
    const byId = Object.fromEntries(sessions.map((s) => [s.id, s]));
    expect(byId[session.body.id as string]).toMatchObject({
      questions: 2,
      first_question: long.slice(0, 100),
    });
    expect(byId[empty.body.id as string]).toMatchObject({ questions: 0, first_question: null });
  });

  it('asks the tutor for a brief answer when the student’s data saver sends Save-Data: on, in full otherwise', async () => {
    const { token } = await h.newStudent();
    const session = await h.call('POST', '/api/sessions', { subject: 'science' }, h.auth(token));
    const path = `/api/sessions/${session.body.id}/questions`;
    const before = h.tutorCalls.length;
    for (const saveData of [undefined, 'on', 'On, on', 'off']) {
      const headers = { ...h.auth(token), ...(saveData ? { 'Save-Data': saveData } : {}) };
      expect(
        (await h.call('POST', path, { question: `What is a cell? (${saveData})` }, headers)).status,
      ).toBe(201);
    }
    const briefs = (h.tutorCalls.slice(before) as { brief?: boolean }[]).map((c) => c.brief === true);
    expect(briefs).toEqual([false, true, true, false]);
  });

  it('serves the subjects’ lessons in the language asked for (both without one), rendered, and refuses another', async () => {
    const fil = (await h.call('GET', '/api/subjects?language=fil')).body as unknown as {
      id: string;
      materials: { language: string; text: string; html: string }[];
    }[];
    const math = fil.find((s) => s.id === 'math')?.materials ?? [];
    expect(math.length).toBeGreaterThan(0);
    expect(new Set(fil.flatMap((s) => s.materials.map((m) => m.language)))).toEqual(new Set(['fil']));
    expect(math[0]?.text).toMatch(/^Para magdagdag ng praksiyon/);
    expect(math[0]?.html).toContain('<math');
    const both = (await h.call('GET', '/api/subjects')).body as unknown as typeof fil;
    expect(both.find((s) => s.id === 'math')?.materials.length).toBe(2 * math.length);
    const bad = await h.call('GET', '/api/subjects?language=es');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^language: must be one of en, fil/);
  });

  it('stores and answers a question sent twice with one idempotency key once', async () => {
    const { token } = await h.newStudent();
    const session = await h.call(
      'POST',
      '/api/sessions',
      { subject: 'science' },
      { ...h.auth(token), 'Idempotency-Key': 'sess-1' },
    );
    const again = await h.call(
      'POST',
      '/api/sessions',
      { subject: 'science' },
      { ...h.auth(token), 'Idempotency-Key': 'sess-1' },
    );
    expect([session.status, again.status, again.body.id]).toEqual([201, 200, session.body.id]);
    const before = h.tutorCalls.length;
    const path = `/api/sessions/${session.body.id}/questions`;
    const headers = { ...h.auth(token), 'Idempotency-Key': 'q-1' };
    const first = await h.call('POST', path, { question: 'What is photosynthesis?' }, headers);
    const retry = await h.call('POST', path, { question: 'What is photosynthesis?' }, headers);
    expect([first.status, retry.status, retry.body.id]).toEqual([201, 200, first.body.id]);
    expect(h.tutorCalls.length - before).toBe(1);
    const racing = await Promise.all(
      [1, 2, 3].map(() =>
        h.call(
          'POST',
          path,
          { question: 'Plants and sunlight?' },
          { ...h.auth(token), 'Idempotency-Key': 'q-2' },
        ),
      ),
    );
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    const history = await h.call('GET', path, undefined, h.auth(token));
    expect(history.body).toHaveLength(2);
  });

  it('stores nothing when the tutor cannot answer, and says to send again', async () => {
    const { token } = await h.newStudent();
    const session = await h.call('POST', '/api/sessions', { subject: 'history' }, h.auth(token));
    h.setTutor({ down: true });
    const failed = await h.call(
      'POST',
      `/api/sessions/${session.body.id}/questions`,
      { question: 'Who was Rizal?' },
      h.auth(token),
    );
    h.setTutor({ down: false });
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatch(/not saved, please send it again/);
    expect(
      (await h.call('GET', `/api/sessions/${session.body.id}/questions`, undefined, h.auth(token))).body,
    ).toEqual([]);
  });

  it('does not tell which emails exist', async () => {
    const { email } = await h.newStudent();
    const unknown = await h.call('POST', '/api/auth/login', {
      email: 'nobody@example.ph',
      password: 'whatever1',
    });
    const wrong = await h.call('POST', '/api/auth/login', { email, password: 'wrong-pass' });
    expect([unknown.status, unknown.body.error]).toEqual([401, 'email or password is wrong']);
    expect([wrong.status, wrong.body.error]).toEqual([401, 'email or password is wrong']);
    const taken = await h.call('POST', '/api/auth/register', {
      email,
      name: 'Other',
      password: 'another123',
    });
    expect(taken.status).toBe(409);
  });

  it('says whose a token is, and refuses missing, forged and signed-out tokens', async () => {
    const { email, token } = await h.newStudent();
    const me = await h.call('GET', '/api/auth/me', undefined, h.auth(token));
    expect([me.status, me.body.student]).toEqual([200, { id: expect.any(String), email, name: 'Juan' }]);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect((await h.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await h.call('GET', '/api/sessions')).status).toBe(401);
    expect(
      (await h.call('GET', '/api/sessions', undefined, h.auth(`${token.split('.')[0]}.forged`))).status,
    ).toBe(401);
    expect((await h.call('POST', '/api/auth/logout', undefined, h.auth(token))).status).toBe(204);
    const after = await h.call('GET', '/api/sessions', undefined, h.auth(token));
    expect([after.status, after.body.error]).toEqual([401, expect.stringMatching(/signed out/)]);
    expect((await h.call('GET', '/api/auth/me', undefined, h.auth(token))).status).toBe(401);
  });

  it('keeps students apart and answers odd ids with 404', async () => {
    const a = await h.newStudent();
    const b = await h.newStudent();
    const session = await h.call('POST', '/api/sessions', { subject: 'english' }, h.auth(a.token));
    expect(
      (await h.call('GET', `/api/sessions/${session.body.id}/questions`, undefined, h.auth(b.token))).status,
    ).toBe(404);
    expect(
      (await h.call('GET', "/api/sessions/1' OR '1'='1/questions", undefined, h.auth(a.token))).status,
    ).toBe(404);
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
    ['/api/auth/login', { email: 'a@b.ph', password: 'x'.repeat(20_000) }, 413, /larger than 16384 bytes/],
  ])('POST %s with %j → %i', async (path, body, status, message) => {
    const res = await h.call('POST', path, body);
    expect([res.status, res.body.error]).toEqual([status, expect.stringMatching(message)]);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  });

  it('stores text built to look like SQL or HTML as plain text', async () => {
    const { token } = await h.newStudent();
    const session = await h.call('POST', '/api/sessions', { subject: 'general' }, h.auth(token));
    const odd = "Robert'); DROP TABLE students;-- <script>alert(1)</script>";
    const asked = await h.call(
      'POST',
      `/api/sessions/${session.body.id}/questions`,
      { question: odd },
      h.auth(token),
    );
    expect(asked.status).toBe(201);
    expect(asked.body.question).toBe(odd);
    expect((await h.call('GET', '/api/health')).status).toBe(200);
    const bad = await h.call(
      'POST',
      `/api/sessions/${session.body.id}/questions`,
      { question: 'x'.repeat(2001) },
      h.auth(token),
    );
    expect([bad.status, bad.body.error]).toEqual([400, 'question: at most 2000 characters']);
    const badSubject = await h.call('POST', '/api/sessions', { subject: 'astrology' }, h.auth(token));
    expect(badSubject.body.error).toMatch(/subject: one of math/);
  });
});
