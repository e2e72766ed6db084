'use client';
import Link from 'next/link';
import { NextStep } from '../components/next-step';
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
      <NextStep
        href="/ask"
        also={
          <Link prefetch={false} href="/signup">
            {t.navSignup}
          </Link>
        }
      >
        {f.start}
      </NextStep>
    </>
  );
}
