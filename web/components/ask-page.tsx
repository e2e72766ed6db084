'use client';
import Link from 'next/link';
import { type FormEvent, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import {
  chooseSubject,
  chosenSubject,
  currentStudent,
  signedIn as hasToken,
  onAuthChange,
} from '../lib/account';
import { api } from '../lib/api';
import { SUBJECT_IDS, type SubjectId } from '../lib/i18n';
import { uuid } from '../lib/ids';
import {
  currentSession,
  keepThread,
  keptThread,
  queue,
  type StoredQuestion,
  saveDraft,
  draft as savedDraft,
  saveSession,
} from '../lib/learning';
import { track } from '../lib/rum-client';
import { Notices, Thread } from './ask-thread';
import { NextStep } from './next-step';
import { useLanguage } from './providers';
import { QuestionBox } from './question-box';
import { useBringIntoView, useSending } from './use-sending';

/**
 * /ask: the subject, the question box, the session's answers, the questions waiting on the phone.
 * `withoutScript`: what a browser without JavaScript shows instead (a <noscript>, from the server).
 */
export function AskPage({ withoutScript }: { withoutScript?: ReactNode }) {
  const { t } = useLanguage();
  const [ready, setReady] = useState(false);
  const [signedIn, setSignedIn] = useState(false);
  const [subject, setSubject] = useState<SubjectId>('math');
  const [draft, setDraft] = useState('');
  const [thread, setThread] = useState<StoredQuestion[]>([]);
  /** Answers to questions of another session (asked before a subject switch): shown, not lost. */
  const [elsewhere, setElsewhere] = useState<StoredQuestion[]>([]);
  const [online, setOnline] = useState(true);
  const [announcement, setAnnouncement] = useState('');
  /** The subject switched to while a session was under way: said, until the next question starts it. */
  const [switched, setSwitched] = useState<SubjectId | undefined>();
  /** The newest answer, not the top of the page: on a 360 px phone it starts far below the form. */
  const [newest, bringNewest] = useBringIntoView<HTMLLIElement>();
  /** The question just asked (offline, the notice pushes it below the fold). */
  const [newestWaiting, bringNewestWaiting] = useBringIntoView<HTMLLIElement>();
  const questionBox = useRef<HTMLTextAreaElement>(null);
  // The callbacks below read the words through a ref: a language switch must not re-run the page's
  // start-up (another fetch of the thread, on prepaid data).
  const words = useRef(t);
  words.current = t;

  const onAnswer = useCallback(
    (q: StoredQuestion) => {
      const session = currentSession();
      if (session?.id === q.session_id) {
        setThread((list) => {
          const next = list.some((x) => x.id === q.id) ? list : [...list, q];
          keepThread(q.session_id, next);
          return next;
        });
      } else setElsewhere((list) => (list.some((x) => x.id === q.id) ? list : [...list, q]));
      setAnnouncement(`${words.current.tutor}: ${q.answer.slice(0, 300)}`);
      bringNewest();
    },
    [bringNewest],
  );

  const { waiting, sending, refused, waitMinutes, send, queued, clearRefused } = useSending(onAnswer, words);

  useEffect(() => {
    const readAuth = () => {
      setSignedIn(hasToken());
      queued();
    };
    readAuth();
    // Typed before the script ran (a slow network shows the box seconds before it is live): the
    // box still holds it, and it wins over the draft kept from before.
    const typed = questionBox.current?.value;
    setDraft(typed || savedDraft());
    if (typed) saveDraft(typed);
    // The session under way decides the subject; otherwise the last one picked.
    const saved = currentSession()?.subject ?? chosenSubject();
    if (saved && (SUBJECT_IDS as readonly string[]).includes(saved)) setSubject(saved as SubjectId);
    setOnline(navigator.onLine);
    setReady(true);
    const session = currentSession();
    // What this phone kept first (readable offline), then the API's copy.
    if (session?.id) setThread(keptThread(session.id) ?? []);
    if (session?.id && hasToken())
      api<StoredQuestion[]>(`/api/sessions/${session.id}/questions`)
        .then((list) => {
          setThread(list);
          keepThread(session.id as string, list);
        })
        .catch(() => undefined);
    send();
    const goOnline = () => {
      setOnline(true);
      send();
    };
    const goOffline = () => setOnline(false);
    addEventListener('online', goOnline);
    addEventListener('offline', goOffline);
    const stopAuth = onAuthChange(readAuth);
    const retry = setInterval(() => navigator.onLine && queue().list().length && send(), 15_000);
    return () => {
      removeEventListener('online', goOnline);
      removeEventListener('offline', goOffline);
      stopAuth();
      clearInterval(retry);
    };
  }, [send, queued]);

  const changeSubject = (next: SubjectId) => {
    setSubject(next);
    chooseSubject(next);
    track({ type: 'action', action: 'subject_change' });
    const session = currentSession();
    if (session && session.subject !== next) {
      // The answers so far stay in view, marked with their subject; the next question starts the new session.
      setElsewhere((list) => [...list, ...thread.filter((q) => !list.some((x) => x.id === q.id))]);
      saveSession(undefined);
      setThread([]);
      setSwitched(next);
    } else if (!session) setSwitched((shown) => shown && next);
  };

  const ask = (event: FormEvent) => {
    event.preventDefault();
    const question = draft.trim();
    if (!question) return;
    // A visitor's Enter: the question is kept as typed; signing up is the way to send it.
    if (!hasToken() && !currentStudent()) return window.location.assign('/signup');
    let session = currentSession();
    if (!session || session.subject !== subject) {
      session = { key: uuid(), subject };
      saveSession(session);
      setThread([]);
    }
    queue().add({
      key: uuid(),
      sessionKey: session.key,
      ...(session.id ? { sessionId: session.id } : {}),
      subject,
      question,
    });
    saveDraft('');
    setDraft('');
    setSwitched(undefined);
    clearRefused();
    queued();
    bringNewestWaiting();
    track({ type: 'action', action: 'ask' });
    send();
  };

  const newSession = () => {
    const session = currentSession();
    if (session?.id) api(`/api/sessions/${session.id}/end`, { method: 'POST' }).catch(() => undefined);
    saveSession(undefined);
    setThread([]);
  };

  const title = <title>{`${t.navAsk} · ${t.appName}`}</title>;
  // A login that ended with questions still waiting: they stay, shown, until the student logs in again.
  const expired = ready && !signedIn && Boolean(currentStudent()) && waiting.length > 0;
  // Not logged in: the box still takes the question (kept as a draft through signing up), not a wall.
  const visitor = ready && !signedIn && !expired;
  const answered = [...elsewhere, ...thread];

  return (
    <>
      {title}
      <h1>{t.navAsk}</h1>
      <Notices online={online} expired={expired} waiting={waiting.length} waitMinutes={waitMinutes} />
      {/* The token lives on the phone: without the script, asking goes through the form of /ask/form. */}
      {withoutScript}
      <form onSubmit={ask}>
        <label htmlFor="subject">{t.subject}</label>
        <select id="subject" value={subject} onChange={(e) => changeSubject(e.target.value as SubjectId)}>
          {SUBJECT_IDS.map((id) => (
            <option key={id} value={id}>
              {t.subjects[id]}
            </option>
          ))}
        </select>
        {switched && (
          <p className="hint" role="status" data-testid="new-session-next">
            {t.newSessionNext(t.subjects[switched])}
          </p>
        )}
        <QuestionBox
          box={questionBox}
          value={draft}
          onChange={(text) => {
            setDraft(text);
            saveDraft(text);
          }}
        />
        {/* Until the script has read the login, both are in the page and the head's script shows one (app/layout.tsx). */}
        {(visitor || !ready) && (
          <div className={ready ? undefined : 'visitor-only'}>
            <p className="notice" data-testid="visitor">
              {t.visitorAsk}
            </p>
            <NextStep
              href="/signup"
              also={
                <Link prefetch={false} href="/login">
                  {t.navLogin}
                </Link>
              }
            >
              {t.signupToAsk}
            </NextStep>
          </div>
        )}
        {(!visitor || !ready) && (
          <div className={ready ? 'actions' : 'actions student-only'}>
            <button className="primary" type="submit" disabled={!ready || expired}>
              {t.ask}
            </button>
            <button type="button" className="secondary" onClick={newSession}>
              {t.newSession}
            </button>
          </div>
        )}
      </form>
      <p className="sr-only" role="status" data-testid="announce">
        {announcement}
      </p>
      {(!visitor || !ready) && (
        <section aria-labelledby="thread-title" className={ready ? undefined : 'student-only'}>
          <h2 id="thread-title">
            {thread[0]
              ? `${t.thread} · ${t.subjects[thread[0].subject as SubjectId] ?? thread[0].subject}`
              : t.thread}
          </h2>
          {refused.map((r) => (
            <p key={r} className="error">
              {t.refused} {r}
            </p>
          ))}
          {!answered.length && !waiting.length && <p>{t.emptyThread}</p>}
          <Thread
            answered={answered}
            elsewhere={elsewhere}
            waiting={waiting}
            newest={newest}
            newestWaiting={newestWaiting}
            waitingHint={sending && online ? t.thinking : online ? t.queuedOnline : t.queued}
          />
          {waiting.length > 0 && !sending && !expired && (
            <p className="actions">
              <span>{t.queuedCount(waiting.length)}</span>
              <button
                type="button"
                className="secondary"
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
      )}
    </>
  );
}
