import type { Database } from '../data/database';
import { refused } from '../errors';
import { QUESTION_COLUMNS, type QuestionRow } from './question-row';

/** How long a retry waits for the request that holds its key before it is told 409 "in progress". */
const CLAIM_WAIT_MS = 5_000;
const CLAIM_POLL_MS = 100;
/** A claim older than the longest a question can take (the front door's 30 s, and some) was left by a request that died. */
const CLAIM_STALE_MS = 45_000;

/**
 * Idempotency keys of questions being answered (`question_claims`): one key is answered, stored
 * and billed once, however often a patchy connection sends it, and a key sent with a different
 * question is refused.
 */
export class QuestionClaims {
  constructor(private readonly db: Database) {}

  /**
   * Claims `key` for this request, or returns the question it already stands for. A claim older
   * than any call can last (its holder died) is taken over.
   */
  async claim(
    studentId: string,
    sessionId: string,
    question: string,
    key: string,
  ): Promise<QuestionRow | undefined> {
    const deadline = Date.now() + CLAIM_WAIT_MS;
    for (;;) {
      const stored = await this.stored(studentId, key);
      if (stored) {
        const same = stored.question === question && stored.session_id === sessionId;
        return sameRequest(stored, same);
      }
      const [claimed] = await this.db.query(
        `INSERT INTO question_claims AS c (student_id, idempotency_key, session_id, question) VALUES ($1, $2, $3, $4)
         ON CONFLICT (student_id, idempotency_key) DO UPDATE SET session_id = $3, question = $4, claimed_at = now()
           WHERE c.claimed_at < now() - $5::float8 * interval '1 second'
         RETURNING 1`,
        [studentId, key, sessionId, question, CLAIM_STALE_MS / 1000],
      );
      if (claimed) {
        // The first request may have stored its answer and let go between the look and the claim.
        const late = await this.stored(studentId, key);
        if (!late) return undefined;
        await this.release(studentId, key);
        return sameRequest(late, late.question === question && late.session_id === sessionId);
      }
      const [holder] = await this.db.query<{ question: string; session_id: string }>(
        'SELECT question, session_id FROM question_claims WHERE student_id = $1 AND idempotency_key = $2',
        [studentId, key],
      );
      if (holder) sameRequest(holder, holder.question === question && holder.session_id === sessionId);
      if (Date.now() >= deadline)
        throw refused(
          'conflict',
          'this question is still being answered (same Idempotency-Key); fetch the session or send it again in a few seconds',
          { code: 'in_progress', retryAfterSeconds: 3 },
        );
      await new Promise((r) => setTimeout(r, CLAIM_POLL_MS));
    }
  }

  async stored(studentId: string, key: string): Promise<QuestionRow | undefined> {
    const [stored] = await this.db.query<QuestionRow>(
      `SELECT ${QUESTION_COLUMNS} FROM questions WHERE student_id = $1 AND idempotency_key = $2`,
      [studentId, key],
    );
    return stored;
  }

  /** Lets go of `key` once its request has stored its answer or failed. */
  async release(studentId: string, key: string) {
    await this.db.query('DELETE FROM question_claims WHERE student_id = $1 AND idempotency_key = $2', [
      studentId,
      key,
    ]);
  }
}

/** What a retry gets back: the stored result, unless the key came with a different request (422). */
export function sameRequest<T>(stored: T, same: boolean): T {
  if (!same) {
    throw refused(
      'key_reused',
      'Idempotency-Key was already used for a different request; use a new key for a new question or session',
    );
  }
  return stored;
}
