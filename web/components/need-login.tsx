'use client';
import Link from 'next/link';
import { useLanguage } from './providers';

/** What a page that needs a student shows to someone who has not logged in. */
export function NeedLogin() {
  const { t } = useLanguage();
  return (
    <p>
      {t.needLogin}{' '}
      <Link prefetch={false} href="/login">
        {t.navLogin}
      </Link>
    </p>
  );
}
