'use client';
import { ApiError, errorText } from '../lib/api';
import { NextStep } from './next-step';
import { useLanguage } from './providers';

/** A call that failed, said in the student's language; a login that ended comes with the way back in. */
export function Problem({ error }: { error: unknown }) {
  const { t } = useLanguage();
  return (
    <>
      <p className="error" role="alert">{`${t.error} ${errorText(error, t)}`}</p>
      {error instanceof ApiError && error.status === 401 && <NextStep href="/login">{t.navLogin}</NextStep>}
    </>
  );
}
