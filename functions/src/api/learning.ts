import type { AppMetrics, ClientType } from '@brainbytes/telemetry/metrics';
import type { AskTutor, TutorAnswer } from '../ai/client';
import type { Subject } from '../ai/curriculum';
import type { Database } from '../data/database';
import { refused } from '../errors';
import { QuestionClaims, sameRequest } from './question-claims';
import { QUESTION_COLUMNS, type QuestionRow } from './question-row';
import { ceilingAnswer, type SpendCeiling } from './spend-ceiling';

export interface StudySession {
  id: string;
  subject: string;
  started_at: string;
  ended_at: string | null;
  questions?: number;
  /** The session's first question, cut to FIRST_QUESTION_CHARS: what the sessions list shows of it. */
  first_question?: string | null;
}

/** Enough of a first question to recognise the session on a phone's list, and little data for 100 of them. */
export const FIRST_QUESTION_CHARS = 100;

/** How a question is asked, beyond its words. */
export interface AskOptions {
  /** The Idempotency-Key: one key is stored, answered and billed once. */
  key?: string | undefined;
  clientType?: ClientType;
  /** Per-student and per-address limits, taken only for a question that will be answered anew. */
  admit?: () => Promise<void>;
  /** A shorter answer (the student's data saver: `Save-Data: on`). */
  brief?: boolean;
}

/** Study sessions and the questions asked in them. Retried writes carry an idempotency key and take effect once. */
export class Learning {
  private readonly claims: QuestionClaims;

  constructor(
    private readonly db: Database,
    private readonly askTutor: AskTutor,
    private readonly metrics?: AppMetrics,
    private readonly ceiling?: SpendCeiling,
  ) {
    this.claims = new QuestionClaims(db);
  }

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
      `SELECT s.id, s.subject, s.started_at, s.ended_at, count(q.id)::int AS questions,
         (SELECT left(f.question, $2) FROM questions f WHERE f.session_id = s.id
          ORDER BY f.created_at, f.id LIMIT 1) AS first_question
       FROM study_sessions s LEFT JOIN questions q ON q.session_id = s.id
       WHERE s.student_id = $1 GROUP BY s.id ORDER BY s.started_at DESC LIMIT 100`,
      [studentId, FIRST_QUESTION_CHARS],
    );
  }

  async endSession(studentId: string, sessionId: string): Promise<StudySession> {
    const [row] = await this.db.query<StudySession>(
      `UPDATE study_sessions SET ended_at = COALESCE(ended_at, now()) WHERE id = $1 AND student_id = $2
       RETURNING id, subject, started_at, ended_at`,
      [sessionId, studentId],
    );
    if (!row) throw refused('not_found', 'no such study session');
    return row;
  }

  /**
   * Asks the tutor and stores question and answer together. With an idempotency key the key is
   * claimed in the database before the tutor is asked: a retry of a stored question gets the stored
   * one, a retry while the first is still being answered waits for it (or gets 409 "in progress"),
   * so one key is billed once, always. Nothing is stored when the tutor fails.
   */
  async ask(
    studentId: string,
    sessionId: string,
    question: string,
    { key, clientType = 'unknown', admit = async () => {}, brief = false }: AskOptions = {},
  ): Promise<{ question: QuestionRow; created: boolean }> {
    if (key) {
      const earlier = await this.claims.claim(studentId, sessionId, question, key);
      if (earlier) return { question: earlier, created: false };
    }
    try {
      // A retry answered from the store above costs nothing; only a new question is counted.
      await admit();
      return await this.answerAndStore(studentId, sessionId, question, key, clientType, brief);
    } finally {
      if (key) await this.claims.release(studentId, key);
    }
  }

  private async answerAndStore(
    studentId: string,
    sessionId: string,
    question: string,
    key: string | undefined,
    clientType: ClientType,
    brief: boolean,
  ): Promise<{ question: QuestionRow; created: boolean }> {
    const [session] = await this.db.query<StudySession>(
      'SELECT id, subject, started_at, ended_at FROM study_sessions WHERE id = $1 AND student_id = $2',
      [sessionId, studentId],
    );
    if (!session) throw refused('not_found', 'no such study session');
    if (session.ended_at) throw refused('conflict', 'this study session has ended; start a new one');
    const earlier = await this.db.query<{ question: string; answer: string }>(
      'SELECT question, answer FROM questions WHERE session_id = $1 ORDER BY created_at DESC LIMIT 3',
      [sessionId],
    );
    const history = earlier.reverse().flatMap((q) => [
      { role: 'student' as const, text: q.question },
      { role: 'tutor' as const, text: q.answer.slice(0, 2000) },
    ]);
    // The database holds only the subjects the API takes.
    const answer = await this.answerWithinCeiling(
      studentId,
      question,
      session.subject as Subject,
      history,
      brief,
    );
    const rows = await this.db.query<QuestionRow>(
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
      if (clientType === 'synthetic' && answer.costDollars)
        this.metrics?.syntheticAiCost.inc(answer.costDollars);
      return { question: rows[0], created: true };
    }
    // Only after a stale claim was taken over can the first holder still have stored one.
    const stored = (await this.claims.stored(studentId, key!))!;
    return { question: sameRequest(stored, stored.question === question), created: false };
  }

  /**
   * The tutor's answer as the spend ceiling allows it: in full, brief, or the offline tutor's with a
   * note. `brief`: the student asked for short answers (data saver), whatever the ceiling says.
   */
  private async answerWithinCeiling(
    studentId: string,
    question: string,
    subject: Subject,
    history: Array<{ role: 'student' | 'tutor'; text: string }>,
    brief: boolean,
  ): Promise<TutorAnswer> {
    if (!this.ceiling) return this.askTutor({ question, subject, history, ...(brief ? { brief } : {}) });
    const admission = await this.ceiling.admit();
    if (admission.period)
      this.metrics?.aiCeilingAnswers.inc({ tier: admission.tier, period: admission.period });
    if (admission.tier === 'offline') return ceilingAnswer(question, subject, admission.period!);
    let answer: TutorAnswer;
    try {
      answer = await this.askTutor({
        question,
        subject,
        history,
        ...(brief || admission.tier === 'brief' ? { brief: true } : {}),
      });
    } catch (error) {
      await this.ceiling.release(admission);
      throw error;
    }
    if (answer.provider !== 'offline') this.metrics?.aiBilledCalls.inc({ provider: answer.provider });
    await this.ceiling.settle(admission, answer, studentId);
    return answer;
  }

  async history(studentId: string, sessionId: string): Promise<QuestionRow[]> {
    const [session] = await this.db.query('SELECT id FROM study_sessions WHERE id = $1 AND student_id = $2', [
      sessionId,
      studentId,
    ]);
    if (!session) throw refused('not_found', 'no such study session');
    return this.db.query<QuestionRow>(
      `SELECT ${QUESTION_COLUMNS} FROM questions WHERE session_id = $1 ORDER BY created_at`,
      [sessionId],
    );
  }
}
