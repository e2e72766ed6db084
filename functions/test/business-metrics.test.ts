import { createAppMetrics } from '@brainbytes/telemetry/metrics';
import { readScrape } from '@brainbytes/testkit/exposition';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../src/data/database';
import { migrate } from '../src/data/migrations';
import { openPglite } from '../src/data/pglite';
import { collectBusinessMetrics } from '../src/jobs/business-metrics';

let db: Database;
beforeAll(async () => {
  db = await openPglite('memory://');
  await migrate(db);
});
afterAll(async () => db.close());

it('reads active students, open sessions, questions per session and by subject, and this month’s AI spend', async () => {
  const [a, b, old] = await Promise.all(
    ['a@x.ph', 'b@x.ph', 'old@x.ph'].map(async (email) => {
      const [row] = await db.query<{ id: string }>(
        "INSERT INTO students (email, name, password_hash) VALUES ($1, 'S', 'x') RETURNING id",
        [email],
      );
      return row!.id;
    }),
  );
  await db.query("UPDATE students SET last_seen_at = now() - interval '3 days' WHERE id = $1", [b]);
  await db.query("UPDATE students SET last_seen_at = now() - interval '60 days' WHERE id = $1", [old]);
  const session = async (student: string, ended: boolean) => {
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO study_sessions (student_id, subject, ended_at) VALUES ($1, 'math', ${ended ? 'now()' : 'NULL'}) RETURNING id`,
      [student],
    );
    return row!.id;
  };
  const s1 = await session(a!, false);
  const s2 = await session(b!, true);
  const billed = (student: string, provider: string, cost: number, when: string) =>
    db.query(
      `INSERT INTO ai_calls (student_id, provider, model, tier, cost_dollars, at) VALUES ($1, $2, 'm', 'full', $3, ${when})`,
      [student, provider, cost],
    );
  const ask = async (
    s: string,
    student: string,
    subject: string,
    provider: string,
    cost: number,
    when = 'now()',
  ) => {
    await db.query(
      `INSERT INTO questions (session_id, student_id, subject, question, answer, provider, model, cost_dollars, created_at)
       VALUES ($1, $2, $3, 'q', 'a', $4, 'm', $5, ${when})`,
      [s, student, subject, provider, cost],
    );
    await billed(student, provider, cost, when);
  };
  await ask(s1, a!, 'math', 'openai', 0.002);
  await ask(s1, a!, 'science', 'openai', 0.003);
  await ask(s2, b!, 'math', 'offline', 0, "now() - interval '3 days'");
  await ask(s2, b!, 'math', 'openai', 5, "now() - interval '40 days'"); // an earlier month, and past 30 days
  // Paid for but never stored (a retry that lost a race): spend all the same.
  await billed(a!, 'openai', 0.004, 'now()');

  const registry = new Registry();
  await collectBusinessMetrics(db, createAppMetrics(registry));
  const s = readScrape(await registry.metrics()).samples;
  expect([
    s.get('brainbytes_active_students{window="1d"}'),
    s.get('brainbytes_active_students{window="7d"}'),
    s.get('brainbytes_active_students{window="30d"}'),
  ]).toEqual([1, 2, 2]);
  expect(s.get('brainbytes_study_sessions_open{}')).toBe(1);
  expect(s.get('brainbytes_questions_per_session{}')).toBe(2);
  expect(s.get('brainbytes_questions_last_30d{subject="math"}')).toBe(2);
  expect(s.get('brainbytes_ai_spend_month_to_date_dollars{provider="openai"}')).toBeCloseTo(0.009, 10);
});

it('reports AI cost per question from the database: the last hour with questions (a quiet night keeps it) and the last 7 days', async () => {
  await db.query('DELETE FROM questions');
  await db.query('DELETE FROM ai_calls');
  const [student] = await db.query<{ id: string }>(
    "INSERT INTO students (email, name, password_hash) VALUES ('c@x.ph', 'C', 'x') RETURNING id",
  );
  const [session] = await db.query<{ id: string }>(
    "INSERT INTO study_sessions (student_id, subject) VALUES ($1, 'math') RETURNING id",
    [student!.id],
  );
  const ask = (cost: number | null, ago: string) =>
    db.query(
      `INSERT INTO questions (session_id, student_id, subject, question, answer, provider, model, cost_dollars, created_at)
       VALUES ($1, $2, 'math', 'q', 'a', 'openai', 'm', $3, now() - interval '${ago}')`,
      [session!.id, student!.id, cost],
    );
  const collect = async () => {
    const registry = new Registry();
    await collectBusinessMetrics(db, createAppMetrics(registry));
    return readScrape(await registry.metrics()).samples;
  };
  const none = await collect(); // no questions: no figure, never 0/0
  expect(none.get('brainbytes_ai_cost_per_question_dollars{window="7d"}')).toBeUndefined();
  expect(none.get('brainbytes_ai_cost_per_question_dollars{window="1h"}')).toBeUndefined();
  // Nothing spent this month is $0, reported: the budget's AI part is never missing.
  expect(none.get('brainbytes_ai_spend_month_to_date_dollars{provider="none"}')).toBe(0);
  await ask(0.002, '3 days');
  await ask(0.002, '3 days');
  // Last evening, ten hours ago: a pricier model, and one fallback answer that cost nothing.
  await ask(0.006, '10 hours');
  await ask(0.006, '10 hours 20 minutes');
  await ask(null, '10 hours 30 minutes');
  const s = await collect();
  expect(s.get('brainbytes_ai_cost_per_question_dollars{window="1h"}')).toBeCloseTo(0.012 / 3, 10);
  // The week before that hour: the two answers of three days ago.
  expect(s.get('brainbytes_ai_cost_per_question_dollars{window="7d"}')).toBeCloseTo(0.002, 10);
});
