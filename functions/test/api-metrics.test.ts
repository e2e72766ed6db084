import { describe, expect, it } from 'vitest';
import { databases, useApi } from './api-harness';

describe.each(databases)('API metrics on %s', (name, open) => {
  const h = useApi(open);

  it('records HTTP, auth, learning and database metrics by route template and client type', async () => {
    const phone = { 'User-Agent': 'Mozilla/5.0 (Linux; Android 13; SM-A146P) Mobile Safari/537.36' };
    const { token } = await h.newStudent();
    const session = await h.call(
      'POST',
      '/api/sessions',
      { subject: 'filipino' },
      { ...h.auth(token), ...phone },
    );
    await h.call(
      'POST',
      `/api/sessions/${session.body.id}/questions`,
      { question: 'Ano ang pangngalan at pandiwa?' },
      { ...h.auth(token), ...phone },
    );
    await h.call('POST', '/api/auth/login', { email: 'nobody@example.ph', password: 'whatever1' });
    await h.call('GET', '/api/no-such-thing'); // Node's fetch says `User-Agent: node`: a desktop client
    const s = await h.samples();
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
    expect(s.get('brainbytes_auth_events_total{event="login",outcome="failure"}')).toBe(1);
    expect(s.get('brainbytes_study_sessions_started_total{}')).toBeGreaterThan(0);
    expect(s.get('brainbytes_db_query_duration_seconds_count{operation="insert_questions"}')).toBeGreaterThan(
      0,
    );
    // The pool's size beside its use: PGlite has one connection, the node-postgres pool ten.
    expect(s.get('brainbytes_db_connections_max{}')).toBe(name === 'PGlite' ? 1 : 10);
  });

  it('counts a request the client abandoned before the answer came', async () => {
    const { token } = await h.newStudent();
    const session = await h.call('POST', '/api/sessions', { subject: 'math' }, h.auth(token));
    h.setTutor({ delayMs: 400 });
    const gaveUp = fetch(`${h.url}/api/sessions/${session.body.id}/questions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...h.auth(token) },
      body: JSON.stringify({ question: 'What is 20% of 350?' }),
      signal: AbortSignal.timeout(100),
    });
    await expect(gaveUp).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 600));
    h.setTutor({ delayMs: 0 });
    const route = '/api/sessions/:id/questions';
    expect(
      (await h.samples()).get(
        `brainbytes_http_requests_aborted_total{client_type="desktop",route="${route}"}`,
      ),
    ).toBe(1);
  });
});
