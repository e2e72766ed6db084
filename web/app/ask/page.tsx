'use client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { NeedLogin } from '../../components/need-login';
import { useLanguage } from '../../components/providers';
import { api } from '../../lib/api';
import { SUBJECT_IDS, type SubjectId } from '../../lib/i18n';
import { uuid } from '../../lib/ids';
import { currentSession, queue, type StoredQuestion, saveSession, sendQueue } from '../../lib/learning';
import type { QueuedQuestion } from '../../lib/offline-queue';
import { track } from '../../lib/rum-client';
import { KEYS, storage } from '../../lib/storage';

export default function AskPage() {
  const { t } = useLanguage();
  const [ready, setReady] = useState(false);
  const [signedIn, setSignedIn] = useState(false);
  const [subject, setSubject] = useState<SubjectId>('math');
  const [draft, setDraft] = useState('');
  const [thread, setThread] = useState<StoredQuestion[]>([]);
  const [waiting, setWaiting] = useState<QueuedQuestion[]>([]);
  const [sending, setSending] = useState(false);
  const [online, setOnline] = useState(true);
  const [refused, setRefused] = useState<string[]>([]);
  const [waitMinutes, setWaitMinutes] = useState<number | undefined>();

  const onAnswer = useCallback((q: StoredQuestion) => {
    if (currentSession()?.id === q.session_id)
      setThread((list) => (list.some((x) => x.id === q.id) ? list : [...list, q]));
  }, []);

  const send = useCallback(async () => {
    if (!queue.list().length) return;
    setSending(true);
    const report = await sendQueue(onAnswer);
    setSending(false);
    setWaiting(queue.list());
    if (report.refused.length)
      setRefused(report.refused.map((r) => `${r.item.question.slice(0, 60)} — ${r.message}`));
    setWaitMinutes(
      report.stopped === 'rate_limited'
        ? Math.max(1, Math.ceil((report.retryAfterSeconds ?? 60) / 60))
        : undefined,
    );
  }, [onAnswer]);

  useEffect(() => {
    setSignedIn(Boolean(storage.getItem(KEYS.token)));
    setDraft(storage.getItem(KEYS.draft) ?? '');
    // The session under way decides the subject; otherwise the last one picked.
    const saved = currentSession()?.subject ?? storage.getItem(KEYS.subject);
    if (saved && (SUBJECT_IDS as readonly string[]).includes(saved)) setSubject(saved as SubjectId);
    setWaiting(queue.list());
    setOnline(navigator.onLine);
    setReady(true);
    const session = currentSession();
    if (session?.id && storage.getItem(KEYS.token))
      api<StoredQuestion[]>(`/api/sessions/${session.id}/questions`)
        .then(setThread)
        .catch(() => undefined);
    send();
    const goOnline = () => {
      setOnline(true);
      send();
    };
    const goOffline = () => setOnline(false);
    addEventListener('online', goOnline);
    addEventListener('offline', goOffline);
    const retry = setInterval(() => navigator.onLine && queue.list().length && send(), 15_000);
    return () => {
      removeEventListener('online', goOnline);
      removeEventListener('offline', goOffline);
      clearInterval(retry);
    };
  }, [send]);

  const changeSubject = (next: SubjectId) => {
    setSubject(next);
    storage.setItem(KEYS.subject, next);
    track({ type: 'action', action: 'subject_change' });
    if (currentSession()?.subject !== next) {
      saveSession(undefined);
      setThread([]);
    }
  };

  const ask = (event: FormEvent) => {
    event.preventDefault();
    const question = draft.trim();
    if (!question) return;
    let session = currentSession();
    if (!session || session.subject !== subject) {
      session = { key: uuid(), subject };
      saveSession(session);
      setThread([]);
    }
    queue.add({
      key: uuid(),
      sessionKey: session.key,
      ...(session.id ? { sessionId: session.id } : {}),
      subject,
      question,
    });
    storage.setItem(KEYS.draft, '');
    setDraft('');
    setRefused([]);
    setWaiting(queue.list());
    track({ type: 'action', action: 'ask' });
    send();
  };

  const newSession = () => {
    const session = currentSession();
    if (session?.id) api(`/api/sessions/${session.id}/end`, { method: 'POST' }).catch(() => undefined);
    saveSession(undefined);
    setThread([]);
  };

  if (ready && !signedIn) return <NeedLogin />;

  return (
    <>
      <h1>{t.navAsk}</h1>
      {!online && <p className="notice">{t.offline}</p>}
      {waitMinutes !== undefined && (
        <p className="notice" role="status" data-testid="rate-limited">
          {t.rateLimited(waitMinutes)}
        </p>
      )}
      <form onSubmit={ask}>
        <label htmlFor="subject">{t.subject}</label>
        <select id="subject" value={subject} onChange={(e) => changeSubject(e.target.value as SubjectId)}>
          {SUBJECT_IDS.map((id) => (
            <option key={id} value={id}>
              {t.subjects[id]}
            </option>
          ))}
        </select>
        <label htmlFor="question">{t.question}</label>
        <textarea
          id="question"
          rows={3}
          maxLength={2000}
          required
          value={draft}
          aria-describedby="question-hint"
          onChange={(e) => {
            setDraft(e.target.value);
            storage.setItem(KEYS.draft, e.target.value);
          }}
        />
        <p id="question-hint" className="hint">
          {t.questionHint}
        </p>
        <div className="actions">
          <button className="primary" type="submit">
            {t.ask}
          </button>
          <button type="button" className="link" onClick={newSession}>
            {t.newSession}
          </button>
        </div>
      </form>
      <section aria-labelledby="thread-title" aria-live="polite">
        <h2 id="thread-title">{t.thread}</h2>
        {refused.map((r) => (
          <p key={r} className="error">
            {t.refused} {r}
          </p>
        ))}
        {!thread.length && !waiting.length && <p>{t.emptyThread}</p>}
        <ol className="thread">
          {thread.map((q) => (
            <li key={q.id} data-testid="answered">
              <p className="q">
                <span className="sr-only">{t.you}: </span>
                {q.question}
              </p>
              <p className="a">
                <span className="sr-only">{t.tutor}: </span>
                {q.answer}
              </p>
            </li>
          ))}
          {waiting.map((q) => (
            <li key={q.key} data-testid="queued">
              <p className="q">{q.question}</p>
              <p className="hint">{sending && online ? t.thinking : t.queued}</p>
            </li>
          ))}
        </ol>
        {waiting.length > 0 && !sending && (
          <p className="actions">
            <span>{t.queuedCount(waiting.length)}</span>
            <button
              type="button"
              className="link"
              onClick={() => {
                track({ type: 'action', action: 'retry' });
                send();
              }}
            >
              {t.sendNow}
            </button>
          </p>
        )}
      </section>
    </>
  );
}
