import type { AppMetrics, ClientType } from '@brainbytes/telemetry';
import { z } from 'zod';
import { HttpError } from '../http';
import type { AskTutor } from './ai-client';
import type { Database } from './db/database';

export interface StudySession {
  id: string;
  subject: string;
  started_at: string;
  ended_at: string | null;
  questions?: number;
}

/** A question and its answer as the API returns them (asked, or in a session's history): the wire contract. */
export const storedQuestion = z
  .object({
    id: z.string().uuid(),
    session_id: z.string().uuid(),
    subject: z.string(),
    question: z.string(),
    answer: z.string(),
    provider: z.string(),
    model: z.string(),
    created_at: z.string(),
  })
  .strict();

export type StoredQuestion = z.infer<typeof storedQuestion>;

const QUESTION_COLUMNS = 'id, session_id, subject, question, answer, provider, model, created_at';

/** Study sessions and the questions asked in them. Retried writes carry an idempotency key and take effect once. */
export class Learning {
  constructor(
    private readonly db: Database,
    private readonly askTutor: AskTutor,
    private readonly metrics?: AppMetrics,
  ) {}

  async startSession(
    studentId: string,
    subject: string,
    key: string | undefined,
    admit: () => Promise<void> = async () => {},
  ): Promise<{ session: StudySession; created: boolean }> {
    if (key) {
      const [existing] = await this.db.query<StudySession>(
        'SELECT id, subject, started_at, ended_at FROM study_sessions WHERE student_id = $1 AND idempotency_key = $2',
        [studentId, key],
      );
      if (existing) return { session: sameRequest(existing, existing.subject === subject), created: false };
    }
    await admit();
    const rows = await this.db.query<StudySession>(
      `INSERT INTO study_sessions (student_id, subject, idempotency_key) VALUES ($1, $2, $3)
       ON CONFLICT (student_id, idempotency_key) DO NOTHING RETURNING id, subject, started_at, ended_at`,
      [studentId, subject, key ?? null],
    );
    if (rows[0]) {
      this.metrics?.studySessionsStarted.inc();
      return { session: rows[0], created: true };
    }
    const [existing] = await this.db.query<StudySession>(
      'SELECT id, subject, started_at, ended_at FROM study_sessions WHERE student_id = $1 AND idempotency_key = $2',
      [studentId, key],
    );
    return { session: sameRequest(existing!, existing!.subject === subject), created: false };
  }

  listSessions(studentId: string): Promise<StudySession[]> {
    return this.db.query<StudySession>(
      `SELECT s.id, s.subject, s.started_at, s.ended_at, count(q.id)::int AS questions
       FROM study_sessions s LEFT JOIN questions q ON q.session_id = s.id
       WHERE s.student_id = $1 GROUP BY s.id ORDER BY s.started_at DESC LIMIT 100`,
      [studentId],
    );
  }

  async endSession(studentId: string, sessionId: string): Promise<StudySession> {
    const [row] = await this.db.query<StudySession>(
      `UPDATE study_sessions SET ended_at = COALESCE(ended_at, now()) WHERE id = $1 AND student_id = $2
       RETURNING id, subject, started_at, ended_at`,
      [sessionId, studentId],
    );
    if (!row) throw new HttpError(404, 'no such study session');
    return row;
  }

  /**
   * Asks the tutor and stores question and answer together. With an idempotency key, a retry of a
   * question already stored returns the stored one and asks nothing; nothing is stored when the tutor fails.
   */
  async ask(
    studentId: string,
    sessionId: string,
    question: string,
    key: string | undefined,
    clientType: ClientType = 'unknown',
    admit: () => Promise<void> = async () => {},
  ): Promise<{ question: StoredQuestion; created: boolean }> {
    if (key) {
      const [stored] = await this.db.query<StoredQuestion>(
        `SELECT ${QUESTION_COLUMNS} FROM questions WHERE student_id = $1 AND idempotency_key = $2`,
        [studentId, key],
      );
      if (stored) {
        const same = stored.question === question && stored.session_id === sessionId;
        return { question: sameRequest(stored, same), created: false };
      }
    }
    // A retry answered from the store above costs nothing; only a new question is counted.
    await admit();
    const [session] = await this.db.query<StudySession>(
      'SELECT id, subject, started_at, ended_at FROM study_sessions WHERE id = $1 AND student_id = $2',
      [sessionId, studentId],
    );
    if (!session) throw new HttpError(404, 'no such study session');
    if (session.ended_at) throw new HttpError(409, 'this study session has ended; start a new one');
    const earlier = await this.db.query<{ question: string; answer: string }>(
      'SELECT question, answer FROM questions WHERE session_id = $1 ORDER BY created_at DESC LIMIT 3',
      [sessionId],
    );
    const history = earlier.reverse().flatMap((q) => [
      { role: 'student' as const, text: q.question },
      { role: 'tutor' as const, text: q.answer.slice(0, 2000) },
    ]);
    const answer = await this.askTutor({ question, subject: session.subject, history });
    const rows = await this.db.query<StoredQuestion>(
      `INSERT INTO questions (session_id, student_id, subject, question, answer, provider, model, cost_dollars, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (student_id, idempotency_key) DO NOTHING RETURNING ${QUESTION_COLUMNS}`,
      [
        sessionId,
        studentId,
        session.subject,
        question,
        answer.answer,
        answer.provider,
        answer.model,
        answer.costDollars,
        key ?? null,
      ],
    );
    if (rows[0]) {
      this.metrics?.questions.inc({ subject: session.subject, client_type: clientType });
      return { question: rows[0], created: true };
    }
    // The same key raced in at the same time: the first one stored wins.
    const [stored] = await this.db.query<StoredQuestion>(
      `SELECT ${QUESTION_COLUMNS} FROM questions WHERE student_id = $1 AND idempotency_key = $2`,
      [studentId, key],
    );
    return { question: sameRequest(stored!, stored!.question === question), created: false };
  }

  async history(studentId: string, sessionId: string): Promise<StoredQuestion[]> {
    const [session] = await this.db.query('SELECT id FROM study_sessions WHERE id = $1 AND student_id = $2', [
      sessionId,
      studentId,
    ]);
    if (!session) throw new HttpError(404, 'no such study session');
    return this.db.query<StoredQuestion>(
      `SELECT ${QUESTION_COLUMNS} FROM questions WHERE session_id = $1 ORDER BY created_at`,
      [sessionId],
    );
  }
}

/** What a retry gets back: the stored result, unless the key came with a different request (422). */
function sameRequest<T>(stored: T, same: boolean): T {
  if (!same) {
    throw new HttpError(
      422,
      'Idempotency-Key was already used for a different request; use a new key for a new question or session',
    );
  }
  return stored;
}
