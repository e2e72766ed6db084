'use client';
import Link from 'next/link';
import { useLanguage } from '../components/providers';
import { FRONT_MESSAGES } from '../lib/i18n-front';

export default function Home() {
  const { t, language } = useLanguage();
  const f = FRONT_MESSAGES[language];
  return (
    <>
      <title>{f.homeTitle}</title>
      <h1>{t.appName}</h1>
      <p>{f.tagline}</p>
      <p className="actions">
        <Link prefetch={false} className="primary" href="/ask">
          {f.start}
        </Link>
        <Link prefetch={false} href="/signup">
          {t.navSignup}
        </Link>
      </p>
    </>
  );
}
