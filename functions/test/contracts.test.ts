import { describe, expect, it } from 'vitest';
import { storedQuestion } from '../src/contracts';
import { databases, useApi } from './api-harness';

/** What the web app reads is what the API sends: each answer checked against the one schema. */
describe.each(databases)('the stored-question contract on %s', (_name, open) => {
  const h = useApi(open);

  it('holds for a question asked and for the session’s history, field for field', async () => {
    const { token } = await h.newStudent();
    const session = await h.call('POST', '/api/sessions', { subject: 'science' }, h.auth(token));
    const asked = await h.call(
      'POST',
      `/api/sessions/${session.body.id}/questions`,
      { question: 'What is photosynthesis?' },
      h.auth(token),
    );
    expect(asked.status).toBe(201);
    expect(storedQuestion.safeParse(asked.body).error).toBeUndefined();
    const history = await h.call(
      'GET',
      `/api/sessions/${session.body.id}/questions`,
      undefined,
      h.auth(token),
    );
    const list = history.body as unknown as unknown[];
    expect(list).toHaveLength(1);
    expect(storedQuestion.safeParse(list[0]).error).toBeUndefined();
  });

  it('fails on a field the web app does not know (the check can fail)', () => {
    const extra = {
      id: '9c8095bf-c787-4046-91b8-dcfb6f4717b9',
      session_id: '9c8095bf-c787-4046-91b8-dcfb6f4717b9',
      subject: 'math',
      question: 'q',
      answer: 'a',
      provider: 'offline',
      model: 'offline',
      created_at: '2026-12-01T00:00:00.000Z',
      secret: 'x',
    };
    expect(storedQuestion.safeParse(extra).success).toBe(false);
  });
});
