'use client';
import { useEffect, useState } from 'react';
import { NeedLogin } from '../../components/need-login';
import { useLanguage } from '../../components/providers';
import { api, errorText } from '../../lib/api';
import type { SubjectId } from '../../lib/i18n';
import type { StoredQuestion } from '../../lib/learning';
import { KEYS, storage } from '../../lib/storage';

interface Session {
  id: string;
  subject: SubjectId;
  started_at: string;
  questions: number;
}

export default function SessionsPage() {
  const { t, language } = useLanguage();
  const [sessions, setSessions] = useState<Session[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<{ id: string; thread: StoredQuestion[] } | undefined>();
  const [signedIn, setSignedIn] = useState(true);

  useEffect(() => {
    if (!storage.getItem(KEYS.token)) return setSignedIn(false);
    api<Session[]>('/api/sessions').then(setSessions).catch(setError);
  }, []);

  const show = async (id: string) => {
    const thread = await api<StoredQuestion[]>(`/api/sessions/${id}/questions`).catch(() => []);
    setOpen({ id, thread });
  };

  if (!signedIn) return <NeedLogin />;
  return (
    <>
      <h1>{t.sessionsTitle}</h1>
      {error !== undefined && <p className="error">{`${t.error} ${errorText(error, t)}`}</p>}
      {!sessions && error === undefined && <p>{t.loading}</p>}
      {sessions?.length === 0 && <p>{t.noSessions}</p>}
      <ul className="cards">
        {sessions?.map((s) => (
          <li key={s.id}>
            <strong>{t.subjects[s.subject] ?? s.subject}</strong> ·{' '}
            {new Date(s.started_at).toLocaleString(language === 'fil' ? 'fil-PH' : 'en-PH', {
              dateStyle: 'medium',
              timeStyle: 'short',
            })}{' '}
            · {t.questions(s.questions)}{' '}
            <button
              type="button"
              className="link"
              onClick={() => show(s.id)}
              aria-expanded={open?.id === s.id}
            >
              {t.open}
            </button>
            {open?.id === s.id && (
              <ol className="thread">
                {open.thread.map((q) => (
                  <li key={q.id}>
                    <p className="q">{q.question}</p>
                    <p className="a">{q.answer}</p>
                  </li>
                ))}
              </ol>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
