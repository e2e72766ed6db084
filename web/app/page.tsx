'use client';
import Link from 'next/link';
import { useLanguage } from '../components/providers';

export default function Home() {
  const { t } = useLanguage();
  return (
    <>
      <title>{t.homeTitle}</title>
      <h1>{t.appName}</h1>
      <p>{t.tagline}</p>
      <p className="actions">
        <Link prefetch={false} className="primary" href="/ask">
          {t.start}
        </Link>
        <Link prefetch={false} href="/signup">
          {t.navSignup}
        </Link>
      </p>
    </>
  );
}
