import { ApiError, api } from './api';
import { drainQueue, QuestionQueue, type QueuedQuestion, type SendOutcome } from './offline-queue';
import { track } from './rum-client';
import { KEYS, storage } from './storage';

/** A question and its answer as the API returns them (the API's own type; erased at build). */
export type { StoredQuestion } from '../../functions/src/api/learning';

import type { StoredQuestion } from '../../functions/src/api/learning';

/** The study session questions go to; `id` is missing until the API has created it. */
export interface CurrentSession {
  key: string;
  subject: string;
  id?: string;
}

export const queue = new QuestionQueue(storage);

export function currentSession(): CurrentSession | undefined {
  try {
    return JSON.parse(storage.getItem(KEYS.session) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: CurrentSession | undefined) {
  if (session) storage.setItem(KEYS.session, JSON.stringify(session));
  else storage.removeItem(KEYS.session);
}

/** Sends one queued question: creates its session first when needed, both with idempotency keys. */
async function sendQueued(item: QueuedQuestion, onAnswer: (q: StoredQuestion) => void): Promise<SendOutcome> {
  try {
    let sessionId = item.sessionId;
    if (!sessionId) {
      const session = await api<{ id: string }>('/api/sessions', {
        method: 'POST',
        body: { subject: item.subject },
        idempotencyKey: item.sessionKey,
      });
      sessionId = session.id;
      queue.update(item.key, { sessionId });
      const current = currentSession();
      if (current?.key === item.sessionKey) saveSession({ ...current, id: sessionId });
    }
    const answered = await api<StoredQuestion>(`/api/sessions/${sessionId}/questions`, {
      method: 'POST',
      body: { question: item.question },
      idempotencyKey: item.key,
      timeoutMs: 30_000,
    });
    if (item.attempts > 1) track({ type: 'connection', event: 'replayed' }); // sent later than asked
    onAnswer(answered);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.rateLimited)
      return { ok: false, retry: true, reason: 'rate_limited', retryAfterSeconds: error.retryAfterSeconds };
    if (error.retryable)
      return { ok: false, retry: true, reason: error.kind === 'refused' ? 'failed' : error.kind };
    return { ok: false, retry: false, message: error.message };
  }
}

export const sendQueue = (onAnswer: (q: StoredQuestion) => void) =>
  drainQueue(queue, (item) => sendQueued(item, onAnswer));
