'use client';
import { useEffect, useState } from 'react';
import { Answer } from '../../components/answer';
import { Loading } from '../../components/loading';
import { NeedLogin } from '../../components/need-login';
import { NextStep } from '../../components/next-step';
import { Problem } from '../../components/problem';
import { useLanguage } from '../../components/providers';
import { signedIn as hasToken } from '../../lib/account';
import { ApiError, api } from '../../lib/api';
import { dataSaver } from '../../lib/data-saver';
import type { SubjectId } from '../../lib/i18n';
import { READING_MESSAGES } from '../../lib/i18n-reading';
import {
  keepRecentThreads,
  keepSessions,
  keepThread,
  keptSessions,
  keptThread,
  type PastSession,
  type StoredQuestion,
} from '../../lib/learning';

const offline = (error: unknown) => error instanceof ApiError && error.status === 0;

export default function SessionsPage() {
  const { t, language } = useLanguage();
  const r = READING_MESSAGES[language];
  const [sessions, setSessions] = useState<PastSession[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [fromPhone, setFromPhone] = useState(false);
  const [open, setOpen] = useState<{ id: string; thread?: StoredQuestion[] } | undefined>();
  const [signedIn, setSignedIn] = useState(true);

  useEffect(() => {
    if (!hasToken()) return setSignedIn(false);
    api<PastSession[]>('/api/sessions')
      .then((list) => {
        setSessions(list);
        keepSessions(list);
        // The newest sessions readable offline, fetched once the page is idle; not on data saver.
        if (!dataSaver()) {
          const keep = () => void keepRecentThreads(list);
          if ('requestIdleCallback' in window) requestIdleCallback(keep, { timeout: 3000 });
          else setTimeout(keep, 1000);
        }
      })
      .catch((e) => {
        // Offline: what this phone kept from the last visit.
        const kept = offline(e) ? keptSessions() : undefined;
        if (kept) {
          setSessions(kept);
          setFromPhone(true);
        } else setError(e);
      });
  }, []);

  const show = async (id: string) => {
    if (open?.id === id) return setOpen(undefined);
    setOpen({ id, thread: keptThread(id) });
    const thread = await api<StoredQuestion[]>(`/api/sessions/${id}/questions`).catch(() => undefined);
    if (thread) {
      keepThread(id, thread);
      setOpen((o) => (o?.id === id ? { id, thread } : o));
    } else setFromPhone(true);
  };

  const title = <title>{`${t.navSessions} · ${t.appName}`}</title>;
  if (!signedIn)
    return (
      <>
        {title}
        <NeedLogin />
      </>
    );
  return (
    <>
      {title}
      <h1>{r.sessionsTitle}</h1>
      {fromPhone && <p className="notice">{r.offlineSaved}</p>}
      {error !== undefined && <Problem error={error} />}
      {!sessions && error === undefined && <Loading />}
      {sessions?.length === 0 && (
        <>
          <p>{r.noSessions}</p>
          <NextStep href="/ask">{r.askFirst}</NextStep>
        </>
      )}
      <ul className="cards">
        {sessions?.map((s) => (
          <li key={s.id}>
            <div className="card-head">
              {/* The button's description: a screen reader hears which session "Open" opens. */}
              <span id={`session-${s.id}`}>
                <strong>{t.subjects[s.subject as SubjectId] ?? s.subject}</strong> ·{' '}
                {new Date(s.started_at).toLocaleString(language === 'fil' ? 'fil-PH' : 'en-PH', {
                  dateStyle: 'medium',
                  timeStyle: 'short',
                })}{' '}
                · {r.questions(s.questions)}
                {s.first_question && <span className="preview">{s.first_question}</span>}
              </span>
              <button
                type="button"
                className="secondary"
                onClick={() => show(s.id)}
                aria-expanded={open?.id === s.id}
                aria-describedby={`session-${s.id}`}
              >
                {r.open}
              </button>
            </div>
            {open?.id === s.id &&
              (open.thread ? (
                <ol className="thread" data-testid="past-thread">
                  {open.thread.map((q) => (
                    <li key={q.id}>
                      <p className="q">{q.question}</p>
                      <Answer q={q} />
                    </li>
                  ))}
                </ol>
              ) : fromPhone ? (
                <p className="notice">{r.offlineSession}</p>
              ) : (
                <Loading />
              ))}
          </li>
        ))}
      </ul>
    </>
  );
}
