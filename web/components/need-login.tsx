'use client';
import { OtherWay } from './auth-form';
import { NextStep } from './next-step';
import { useLanguage } from './providers';

/** What a page that needs a student shows to someone who has not logged in: both ways in. */
export function NeedLogin() {
  const { t } = useLanguage();
  return (
    <>
      <h1>{t.needLogin}</h1>
      <NextStep href="/login" also={<OtherWay to="signup" />}>
        {t.navLogin}
      </NextStep>
    </>
  );
}
