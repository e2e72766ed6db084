'use client';
import { useEffect, useState } from 'react';
import { useLanguage } from '../../components/providers';
import { api } from '../../lib/api';
import type { SubjectId } from '../../lib/i18n';

interface Subject {
  id: SubjectId;
  materials: { language: 'en' | 'fil'; text: string }[];
}

export default function SubjectsPage() {
  const { t, language } = useLanguage();
  const [subjects, setSubjects] = useState<Subject[] | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    api<Subject[]>('/api/subjects')
      .then(setSubjects)
      .catch((e) => setError(String(e.message ?? e)));
  }, []);
  return (
    <>
      <h1>{t.subjectsTitle}</h1>
      {error && <p className="error">{`${t.error} ${error}`}</p>}
      {!subjects && !error && <p>{t.loading}</p>}
      {subjects?.map((s) => (
        <section key={s.id} aria-labelledby={`subject-${s.id}`}>
          <h2 id={`subject-${s.id}`}>{t.subjects[s.id] ?? s.id}</h2>
          <ul>
            {s.materials
              .filter((m) => m.language === language)
              .map((m) => (
                <li key={m.text}>{m.text}</li>
              ))}
          </ul>
        </section>
      ))}
    </>
  );
}
