'use client';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { Notices, Thread } from '../../components/ask-thread';
import { NeedLogin } from '../../components/need-login';
import { useLanguage } from '../../components/providers';
import {
  chooseSubject,
  chosenSubject,
  currentStudent,
  signedIn as hasToken,
  onAuthChange,
} from '../../lib/account';
import { api } from '../../lib/api';
import { SUBJECT_IDS, type SubjectId } from '../../lib/i18n';
import { uuid } from '../../lib/ids';
import {
  currentSession,
  keepThread,
  keptThread,
  queue,
  type StoredQuestion,
  saveDraft,
  draft as savedDraft,
  saveSession,
  sendQueue,
} from '../../lib/learning';
import type { QueuedQuestion } from '../../lib/offline-queue';
import { track } from '../../lib/rum-client';

/** What the API takes (and the box holds): longer questions are refused there, so they are cut here, visibly. */
const QUESTION_MAX = 2000;
/** The count appears this close to the limit; before, it would be noise. */
const COUNT_FROM = QUESTION_MAX - 200;

export default function AskPage() {
  const { t } = useLanguage();
  const [ready, setReady] = useState(false);
  const [signedIn, setSignedIn] = useState(false);
  const [subject, setSubject] = useState<SubjectId>('math');
  const [draft, setDraft] = useState('');
  /** Characters of the last paste that did not fit under QUESTION_MAX (0: it all fit). */
  const [cut, setCut] = useState(0);
  const [thread, setThread] = useState<StoredQuestion[]>([]);
  /** Answers to questions of another session (asked before a subject switch): shown, not lost. */
  const [elsewhere, setElsewhere] = useState<StoredQuestion[]>([]);
  const [waiting, setWaiting] = useState<QueuedQuestion[]>([]);
  const [sending, setSending] = useState(false);
  const [online, setOnline] = useState(true);
  const [refused, setRefused] = useState<string[]>([]);
  const [waitMinutes, setWaitMinutes] = useState<number | undefined>();
  const [announcement, setAnnouncement] = useState('');
  /** Counts answers that arrived while the page is open: each one is brought into view once rendered. */
  const [arrivals, setArrivals] = useState(0);
  const newest = useRef<HTMLLIElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const questionBox = useRef<HTMLTextAreaElement>(null);
  // The callbacks below read the words through a ref: a language switch must not re-run the page's
  // start-up (another fetch of the thread, on prepaid data).
  const words = useRef(t);
  words.current = t;

  const onAnswer = useCallback((q: StoredQuestion) => {
    const session = currentSession();
    if (session?.id === q.session_id) {
      setThread((list) => {
        const next = list.some((x) => x.id === q.id) ? list : [...list, q];
        keepThread(q.session_id, next);
        return next;
      });
    } else setElsewhere((list) => (list.some((x) => x.id === q.id) ? list : [...list, q]));
    setAnnouncement(`${words.current.tutor}: ${q.answer.slice(0, 300)}`);
    setArrivals((n) => n + 1);
  }, []);

  // The newest answer, not the top of the page: on a 360 px phone it starts far below the form.
  // Scrolled after React has rendered it (a frame requested from the callback above could run
  // before the commit, and bring the answer before it into view instead).
  useEffect(() => {
    if (arrivals) newest.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [arrivals]);

  const send = useCallback(async () => {
    if (!queue().list().length || !hasToken()) return;
    setSending(true);
    const report = await sendQueue(onAnswer);
    setSending(false);
    setWaiting(queue().list());
    if (report.refused.length)
      setRefused(
        report.refused.map(
          (r) =>
            `${r.item.question.slice(0, 60)} — ${words.current.refusedReason[r.message as 'ended' | 'invalid'] ?? words.current.refusedReason.invalid}`,
        ),
      );
    setWaitMinutes(
      report.stopped === 'rate_limited'
        ? Math.max(1, Math.ceil((report.retryAfterSeconds ?? 60) / 60))
        : undefined,
    );
  }, [onAnswer]);

  useEffect(() => {
    const readAuth = () => {
      setSignedIn(hasToken());
      setWaiting(queue().list());
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
  }, [send]);

  const changeSubject = (next: SubjectId) => {
    setSubject(next);
    chooseSubject(next);
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
    queue().add({
      key: uuid(),
      sessionKey: session.key,
      ...(session.id ? { sessionId: session.id } : {}),
      subject,
      question,
    });
    saveDraft('');
    setDraft('');
    setCut(0);
    setRefused([]);
    setWaiting(queue().list());
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
  if (ready && !signedIn && !expired)
    return (
      <>
        {title}
        <NeedLogin />
      </>
    );
  const answered = [...elsewhere, ...thread];

  return (
    <>
      {title}
      <h1>{t.navAsk}</h1>
      <Notices online={online} expired={expired} waiting={waiting.length} waitMinutes={waitMinutes} />
      {/* Nothing to post to without the script (the token lives on the phone): unusable until it runs. */}
      <form ref={form} onSubmit={ask}>
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
          ref={questionBox}
          id="question"
          rows={3}
          maxLength={QUESTION_MAX}
          required
          value={draft}
          aria-describedby="question-hint"
          onChange={(e) => {
            setDraft(e.target.value);
            saveDraft(e.target.value);
            if (e.target.value.length < QUESTION_MAX) setCut(0);
          }}
          onPaste={(e) => {
            // The browser would drop what does not fit without a word: keep what fits, and say so.
            const box = e.currentTarget;
            const pasted = e.clipboardData.getData('text/plain');
            const kept = box.value.length - (box.selectionEnd - box.selectionStart);
            const over = kept + pasted.length - QUESTION_MAX;
            if (over <= 0) return setCut(0);
            e.preventDefault();
            const text = `${box.value.slice(0, box.selectionStart)}${pasted.slice(0, pasted.length - over)}${box.value.slice(box.selectionEnd)}`;
            setDraft(text);
            saveDraft(text);
            setCut(over);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              form.current?.requestSubmit();
            }
          }}
        />
        <p id="question-hint" className="hint">
          {t.questionHint}
        </p>
        {(draft.length >= COUNT_FROM || cut > 0) && (
          <p className="hint" role="status" data-testid="question-length">
            {t.questionLength(
              draft.length.toLocaleString('en'),
              QUESTION_MAX.toLocaleString('en'),
              cut ? cut.toLocaleString('en') : undefined,
            )}
          </p>
        )}
        <div className="actions">
          <button className="primary" type="submit" disabled={!ready || expired}>
            {t.ask}
          </button>
          <button type="button" className="secondary" onClick={newSession}>
            {t.newSession}
          </button>
        </div>
      </form>
      <p className="sr-only" role="status" data-testid="announce">
        {announcement}
      </p>
      <section aria-labelledby="thread-title">
        <h2 id="thread-title">{t.thread}</h2>
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
    </>
  );
}
