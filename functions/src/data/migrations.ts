import type { Database } from './database';

/**
 * The schema, as numbered migrations applied once each, in order, in one transaction apiece.
 * Run at start and as Heroku's release phase; the same SQL runs on PostgreSQL and PGlite.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'students, auth sessions, study sessions, questions',
    sql: `
      CREATE TABLE students (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE,
        name text NOT NULL,
        password_hash text NOT NULL,
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        student_id uuid NOT NULL REFERENCES students(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      );
      CREATE TABLE study_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        student_id uuid NOT NULL REFERENCES students(id) ON DELETE CASCADE,
        subject text NOT NULL,
        idempotency_key text,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        UNIQUE (student_id, idempotency_key)
      );
      CREATE TABLE questions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES study_sessions(id) ON DELETE CASCADE,
        student_id uuid NOT NULL REFERENCES students(id) ON DELETE CASCADE,
        subject text NOT NULL,
        question text NOT NULL,
        answer text NOT NULL,
        provider text NOT NULL,
        model text NOT NULL,
        cost_dollars double precision,
        idempotency_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (student_id, idempotency_key)
      );
      CREATE INDEX questions_session ON questions (session_id, created_at);
      CREATE INDEX questions_created ON questions (created_at);
    `,
  },
  {
    version: 2,
    name: 'rate limits (token buckets shared by every instance)',
    sql: `
      CREATE TABLE rate_limits (
        key text PRIMARY KEY,
        tokens double precision NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX rate_limits_updated ON rate_limits (updated_at);
    `,
  },
  {
    version: 3,
    name: 'monthly statements (each month claimed once, by the job that sends it)',
    sql: `
      CREATE TABLE monthly_statements (
        month text PRIMARY KEY,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        text text
      );
    `,
  },
  {
    version: 4,
    name: 'AI spend ceiling (counters per UTC day and month, a ledger of billed calls) and idempotency claims',
    sql: `
      CREATE TABLE ai_spend (
        period text PRIMARY KEY,
        dollars double precision NOT NULL DEFAULT 0,
        calls integer NOT NULL DEFAULT 0,
        reserved double precision NOT NULL DEFAULT 0,
        reserved_until timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ai_calls (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        student_id uuid,
        provider text NOT NULL,
        model text NOT NULL,
        tier text NOT NULL,
        cost_dollars double precision
      );
      CREATE INDEX ai_calls_at ON ai_calls (at);
      CREATE TABLE question_claims (
        student_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        session_id uuid NOT NULL,
        question text NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (student_id, idempotency_key)
      );
    `,
  },
  {
    version: 5,
    name: 'sign-ups waiting for their email code',
    sql: `
      CREATE TABLE pending_signups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        code_mac text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX pending_signups_email ON pending_signups (email, created_at);
    `,
  },
  {
    version: 6,
    name: 'synthetic student',
    // The synthetic student (jobs/synthetic-student.ts) is not a student: business metrics leave it
    // out and per-student limits do not apply to it.
    sql: 'ALTER TABLE students ADD COLUMN synthetic boolean NOT NULL DEFAULT false;',
  },
];

export async function migrate(db: Database): Promise<number[]> {
  await db.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied = new Set(
    (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) =>
      Number(r.version),
    ),
  );
  const done: number[] = [];
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    });
    done.push(migration.version);
  }
  return done;
}
