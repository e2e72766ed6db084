import { currentStudent, ownKey } from './account';
import { ApiError, api } from './api';
import { clearOutbox, handToWorker } from './background-send';
import { MAX_KEPT_SESSIONS, OFFLINE_SESSIONS } from './build-settings';
import { dataSaver } from './data-saver';
import {
  type DrainReport,
  drainQueue,
  QuestionQueue,
  type QueuedQuestion,
  type SendOutcome,
} from './offline-queue';
import { track } from './rum-client';
import { KEYS, storage } from './storage';

/** A question and its answer as the API returns them (the API's own type; erased at build). */
export type { StoredQuestion } from '@brainbytes/functions/contracts';

import type { StoredQuestion } from '@brainbytes/functions/contracts';

/** The study session questions go to; `id` is missing until the API has created it. */
export interface CurrentSession {
  key: string;
  subject: string;
  id?: string;
}

/** A past study session as GET /api/sessions lists it. */
export interface PastSession {
  id: string;
  subject: string;
  started_at: string;
  questions: number;
  /** The start of its first question (the API cuts it); null for a session with none. */
  first_question?: string | null;
}

/** Keeps nothing: the queue of nobody (no one is logged in or was). */
const nowhere = { getItem: () => null, setItem: () => {} };

/** The logged-in (or expired) student's own queue; each student's questions are theirs alone. */
export function queue(student = currentStudent()): QuestionQueue {
  const key = ownKey(KEYS.queue, student);
  return key ? new QuestionQueue(storage, key) : new QuestionQueue(nowhere);
}

export const waitingQuestions = () => queue().list().length;

function readOwn<T>(key: string): T | undefined {
  const own = ownKey(key);
  try {
    return own ? (JSON.parse(storage.getItem(own) ?? 'null') ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}

function writeOwn(key: string, value: unknown) {
  const own = ownKey(key);
  if (!own) return;
  if (value === undefined) storage.removeItem(own);
  else storage.setItem(own, typeof value === 'string' ? value : JSON.stringify(value));
}

export const currentSession = () => readOwn<CurrentSession>(KEYS.session);
export const saveSession = (session: CurrentSession | undefined) => writeOwn(KEYS.session, session);

/** The question being typed: the student's own, or a visitor's (typed before signing up; adopted at login). */
export const draft = () => storage.getItem(ownKey(KEYS.draft) ?? KEYS.draft) || '';
export const saveDraft = (text: string) => storage.setItem(ownKey(KEYS.draft) ?? KEYS.draft, text);

/**
 * Past sessions and their answers, kept so a student who loses signal can still read what they
 * asked. Bounded: the newest `MAX_KEPT_SESSIONS` threads, within `MAX_KEPT_BYTES`.
 */
interface Kept {
  sessions?: PastSession[];
  threads: Record<string, StoredQuestion[]>;
}
const MAX_KEPT_BYTES = 200_000;

const kept = (): Kept => readOwn<Kept>(KEYS.threads) ?? { threads: {} };

export function keepSessions(sessions: PastSession[]) {
  writeOwn(KEYS.threads, { ...kept(), sessions: sessions.slice(0, 100) });
}

export function keepThread(sessionId: string, thread: StoredQuestion[]) {
  const current = kept();
  const { [sessionId]: _old, ...rest } = current.threads;
  const entries = [[sessionId, thread] as const, ...Object.entries(rest)].slice(0, MAX_KEPT_SESSIONS);
  const next: Kept = { ...current, threads: {} };
  let bytes = JSON.stringify(next).length;
  for (const [id, questions] of entries) {
    const size = JSON.stringify(questions).length + id.length + 4;
    if (bytes + size > MAX_KEPT_BYTES) break;
    next.threads[id] = questions;
    bytes += size;
  }
  writeOwn(KEYS.threads, next);
}

export const keptSessions = () => kept().sessions;
export const keptThread = (sessionId: string) => kept().threads[sessionId];

/**
 * Keeps the newest sessions' answers to read offline, one request at a time, those not kept yet or
 * kept before more was asked in them; stops at the first failure (the connection went).
 */
export async function keepRecentThreads(sessions: PastSession[], count = OFFLINE_SESSIONS) {
  const stale = sessions
    .slice(0, count)
    .filter((s) => s.questions > 0 && (keptThread(s.id)?.length ?? -1) < s.questions)
    .reverse(); // the newest kept last, so it is the last evicted
  for (const s of stale) {
    const thread = await api<StoredQuestion[]>(`/api/sessions/${s.id}/questions`).catch(() => undefined);
    if (!thread) return;
    keepThread(s.id, thread);
  }
}

/** Sends one queued question: creates its session first when needed, both with idempotency keys. */
async function sendQueued(
  item: QueuedQuestion,
  owner: { student: string; token: string },
  onAnswer: (q: StoredQuestion) => void,
): Promise<SendOutcome> {
  try {
    let sessionId = item.sessionId;
    if (!sessionId) {
      const session = await api<{ id: string }>('/api/sessions', {
        method: 'POST',
        body: { subject: item.subject },
        idempotencyKey: item.sessionKey,
        token: owner.token,
      });
      sessionId = session.id;
      queue(owner.student).update(item.key, { sessionId });
      const current = currentSession();
      if (currentStudent() === owner.student && current?.key === item.sessionKey)
        saveSession({ ...current, id: sessionId });
    }
    const answered = await api<StoredQuestion>(`/api/sessions/${sessionId}/questions`, {
      method: 'POST',
      body: { question: item.question },
      idempotencyKey: item.key,
      timeoutMs: 30_000,
      token: owner.token,
    });
    if (item.attempts > 1) track({ type: 'connection', event: 'replayed' }); // sent later than asked
    onAnswer(answered);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // The login ended: kept for this student's next login, never dropped.
    if (error.status === 401) return { ok: false, retry: true, reason: 'signed_out' };
    if (error.rateLimited)
      return { ok: false, retry: true, reason: 'rate_limited', retryAfterSeconds: error.retryAfterSeconds };
    if (error.retryable)
      return { ok: false, retry: true, reason: error.kind === 'refused' ? 'failed' : error.kind };
    return {
      ok: false,
      retry: false,
      message: error.status === 404 || error.status === 409 ? 'ended' : 'invalid',
    };
  }
}

/**
 * Sends the logged-in student's queue with their token, captured now: a logout (and someone
 * else's login) mid-drain cannot send one student's question as another's.
 */
export function sendQueue(onAnswer: (q: StoredQuestion) => void) {
  const student = currentStudent();
  const token = storage.getItem(KEYS.token);
  if (!student || !token) return Promise.resolve<DrainReport>({ sent: [], refused: [] });
  return drainQueue(queue(student), (item) => sendQueued(item, { student, token }, onAnswer)).then(
    (report) => {
      const left = queue(student).list();
      // Stopped by the connection: the browser can send them later, even with the app closed.
      if (
        left.length &&
        report.stopped &&
        report.stopped !== 'signed_out' &&
        report.stopped !== 'rate_limited'
      )
        void handToWorker(token, left, dataSaver());
      else clearOutbox();
      return report;
    },
  );
}
