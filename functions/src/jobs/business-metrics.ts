import type { AppMetrics } from '@brainbytes/telemetry/metrics';
import type { Queryable } from '../data/database';

/**
 * The business numbers, read from the database every 5 minutes (a Lambda schedule, Heroku
 * Scheduler or an interval locally) and set as gauges: active students, open study sessions,
 * questions per session, questions by subject, this month's AI spend and the cost per question.
 */
/** Rows of real students: the synthetic student (synthetic-student.ts) is left out of every count. */
const REAL = 'student_id NOT IN (SELECT id FROM students WHERE synthetic)';

export async function collectBusinessMetrics(db: Queryable, m: AppMetrics) {
  const [active] = await db.query<{ d1: number; d7: number; d30: number }>(
    `SELECT count(*) FILTER (WHERE last_seen_at > now() - interval '1 day')::int AS d1,
            count(*) FILTER (WHERE last_seen_at > now() - interval '7 days')::int AS d7,
            count(*) FILTER (WHERE last_seen_at > now() - interval '30 days')::int AS d30
     FROM (SELECT s.id, greatest(s.last_seen_at, max(q.created_at)) AS last_seen_at
           FROM students s LEFT JOIN questions q ON q.student_id = s.id WHERE NOT s.synthetic GROUP BY s.id) seen`,
  );
  m.activeStudents.set({ window: '1d' }, active?.d1 ?? 0);
  m.activeStudents.set({ window: '7d' }, active?.d7 ?? 0);
  m.activeStudents.set({ window: '30d' }, active?.d30 ?? 0);

  const [open] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM study_sessions WHERE ended_at IS NULL AND started_at > now() - interval '1 day' AND ${REAL}`,
  );
  m.openStudySessions.set(open?.n ?? 0);

  const [perSession] = await db.query<{ avg: number | null }>(
    `SELECT avg(n)::float AS avg FROM (SELECT count(q.id) AS n FROM study_sessions s LEFT JOIN questions q ON q.session_id = s.id
     WHERE s.started_at > now() - interval '7 days' AND s.${REAL} GROUP BY s.id) per`,
  );
  m.questionsPerSession.set(perSession?.avg ?? 0);

  m.questionsBySubject.reset();
  for (const row of await db.query<{ subject: string; n: number }>(
    `SELECT subject, count(*)::int AS n FROM questions WHERE created_at > now() - interval '30 days' AND ${REAL} GROUP BY subject`,
  )) {
    m.questionsBySubject.set({ subject: row.subject }, row.n);
  }

  m.aiSpendMonthToDate.reset();
  const spent = await db.query<{ provider: string; dollars: number }>(
    // From the ledger of billed calls: an answer that was paid for but never stored (a retry that
    // lost a race, a store that failed) is spend all the same.
    "SELECT provider, coalesce(sum(cost_dollars), 0)::float AS dollars FROM ai_calls WHERE at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' GROUP BY provider",
  );
  for (const row of spent) m.aiSpendMonthToDate.set({ provider: row.provider }, row.dollars);
  // No call billed yet this month is $0 spent, not an unknown: the budget adds it up.
  if (!spent.length) m.aiSpendMonthToDate.set({ provider: 'none' }, 0);

  // Cost per question from the database, so no Prometheus history is needed to compare this hour
  // with the week. "This hour" is the last hour that had questions: a quiet night keeps the
  // evening's figure instead of no figure (an alert on it would resolve overnight and fire again).
  // The week is the 7 days before that hour, so what changed in the hour does not dilute it.
  m.aiCostPerQuestion.reset();
  const [cost] = await db.query<{ h1: number | null; d7: number | null }>(
    `WITH real AS (SELECT created_at, cost_dollars FROM questions WHERE ${REAL})
     SELECT (SELECT sum(coalesce(cost_dollars, 0))::float / count(*) FROM real
             WHERE created_at > (SELECT max(created_at) FROM real) - interval '1 hour') AS h1,
            (SELECT sum(coalesce(cost_dollars, 0))::float / nullif(count(*), 0) FROM real
             WHERE created_at > now() - interval '7 days'
               AND created_at <= (SELECT max(created_at) FROM real) - interval '1 hour') AS d7`,
  );
  if (cost?.h1 != null) m.aiCostPerQuestion.set({ window: '1h' }, cost.h1);
  if (cost?.d7 != null) m.aiCostPerQuestion.set({ window: '7d' }, cost.d7);
}
