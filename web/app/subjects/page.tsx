'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { useLanguage } from '../../components/providers';
import { chooseSubject } from '../../lib/account';
import { api, errorText } from '../../lib/api';
import type { SubjectId } from '../../lib/i18n';

interface Subject {
  id: SubjectId;
  materials: { language: 'en' | 'fil'; text: string }[];
}

export default function SubjectsPage() {
  const { t, language } = useLanguage();
  const [subjects, setSubjects] = useState<Subject[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api<Subject[]>('/api/subjects').then(setSubjects).catch(setError);
  }, []);
  return (
    <>
      <title>{`${t.navSubjects} · ${t.appName}`}</title>
      <h1>{t.subjectsTitle}</h1>
      {error !== undefined && <p className="error">{`${t.error} ${errorText(error, t)}`}</p>}
      {!subjects && error === undefined && <p>{t.loading}</p>}
      {subjects?.map((s) => {
        const materials = s.materials.filter((m) => m.language === language);
        return (
          <section key={s.id} aria-labelledby={`subject-${s.id}`}>
            <h2 id={`subject-${s.id}`}>{t.subjects[s.id] ?? s.id}</h2>
            {materials.length ? (
              <ul>
                {materials.map((m) => (
                  <li key={m.text}>{m.text}</li>
                ))}
              </ul>
            ) : (
              <p className="actions">
                <span>{t.noMaterial}</span>
                <Link prefetch={false} href="/ask" onClick={() => chooseSubject(s.id)} className="secondary">
                  {t.askInstead}
                </Link>
              </p>
            )}
          </section>
        );
      })}
    </>
  );
}
