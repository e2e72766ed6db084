'use client';
import Link from 'next/link';
import { OtherWay } from './auth-form';
import { useLanguage } from './providers';

/** What a page that needs a student shows to someone who has not logged in: both ways in. */
export function NeedLogin() {
  const { t } = useLanguage();
  return (
    <>
      <h1>{t.needLogin}</h1>
      <p className="actions">
        <Link prefetch={false} className="primary" href="/login">
          {t.navLogin}
        </Link>
        <OtherWay to="signup" />
      </p>
    </>
  );
}
