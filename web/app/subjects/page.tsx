'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { Answer } from '../../components/answer';
import { Loading } from '../../components/loading';
import { Problem } from '../../components/problem';
import { useLanguage } from '../../components/providers';
import { chooseSubject } from '../../lib/account';
import { ApiError, api } from '../../lib/api';
import type { Language, SubjectId } from '../../lib/i18n';
import { READING_MESSAGES } from '../../lib/i18n-reading';
import { KEYS, storage } from '../../lib/storage';

interface Subject {
  id: SubjectId;
  materials: { language: Language; text: string; html: string }[];
}

/** The materials of one language, as last read: the page opens offline with them (they are no student's own). */
function kept(language: Language): Subject[] | undefined {
  try {
    const list = JSON.parse(storage.getItem(`${KEYS.subjects}.${language}`) ?? 'null');
    return Array.isArray(list) ? list : undefined;
  } catch {
    return undefined;
  }
}

export default function SubjectsPage() {
  const { t, language } = useLanguage();
  const r = READING_MESSAGES[language];
  /** The subjects as read, and in which language: a switch shows "Loading…", not the other language's list. */
  const [read, setRead] = useState<{ language: Language; list: Subject[] } | undefined>();
  const subjects = read?.language === language ? read.list : undefined;
  const [fromPhone, setFromPhone] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setError(undefined);
    setFromPhone(false);
    // The chosen language only: half the bytes of both.
    api<Subject[]>(`/api/subjects?language=${language}`)
      .then((list) => {
        setRead({ language, list });
        storage.setItem(`${KEYS.subjects}.${language}`, JSON.stringify(list));
      })
      .catch((e) => {
        const copy = e instanceof ApiError && e.status === 0 ? kept(language) : undefined;
        if (copy) {
          setRead({ language, list: copy });
          setFromPhone(true);
        } else setError(e);
      });
  }, [language]);
  return (
    <>
      <title>{`${t.navSubjects} · ${t.appName}`}</title>
      <h1>{r.subjectsTitle}</h1>
      {fromPhone && <p className="notice">{r.offlineSaved}</p>}
      {error !== undefined && <Problem error={error} />}
      {!subjects && error === undefined && <Loading />}
      {subjects?.map((s) => {
        const materials = s.materials.filter((m) => m.language === language);
        return (
          <section key={s.id} aria-labelledby={`subject-${s.id}`}>
            <h2 id={`subject-${s.id}`}>{t.subjects[s.id] ?? s.id}</h2>
            {materials.length ? (
              <ul className="thread">
                {materials.map((m) => (
                  <li key={m.text}>
                    <Answer q={{ answer: m.text, answer_html: m.html }} />
                  </li>
                ))}
              </ul>
            ) : (
              <p className="actions">
                <span>{r.noMaterial}</span>
                <Link prefetch={false} href="/ask" onClick={() => chooseSubject(s.id)} className="secondary">
                  {r.askInstead}
                </Link>
              </p>
            )}
          </section>
        );
      })}
    </>
  );
}
