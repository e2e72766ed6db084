'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { deviceTokens, keepDeviceToken, signIn } from '../lib/account';
import { ApiError, api, errorText } from '../lib/api';
import { type AuthFailure, authFailureOf } from '../lib/auth-handoff';
import { useLanguage } from './providers';

/**
 * Log-in and sign-up. The form posts to /auth/<mode> (never a GET: no password in a URL), so a tap
 * before the script runs still works; once it runs, the same form submits through fetch.
 * `failure` is the reason a posted form came back with.
 */
export function AuthForm({ mode, failure }: { mode: 'login' | 'signup'; failure?: AuthFailure }) {
  const { t } = useLanguage();
  const router = useRouter();
  const [error, setError] = useState(failure ? t.authFailed[failure] : '');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError('');
    try {
      const fields = Object.fromEntries(form.entries());
      const body = mode === 'login' ? { ...fields, devices: deviceTokens() } : fields;
      const { token, student, device } = await api<{
        token: string;
        student: { id: string };
        device?: string;
      }>(mode === 'login' ? '/api/auth/login' : '/api/auth/register', { method: 'POST', body });
      keepDeviceToken(device);
      signIn(token, student.id);
      router.push('/ask');
    } catch (e) {
      // The student's language, never the API's English: the same reasons the no-script form gives.
      setError(
        e instanceof ApiError && e.kind === 'refused'
          ? t.authFailed[authFailureOf(e.status)]
          : errorText(e, t),
      );
    } finally {
      setBusy(false);
    }
  };
  const title = mode === 'login' ? t.login : t.signup;
  return (
    <>
      <title>{`${title} · ${t.appName}`}</title>
      <h1>{title}</h1>
      <form method="post" action={`/auth/${mode}`} onSubmit={submit}>
        {mode === 'signup' && (
          <>
            <label htmlFor="name">{t.name}</label>
            <input id="name" name="name" autoComplete="name" required maxLength={100} />
          </>
        )}
        <label htmlFor="email">{t.email}</label>
        <input id="email" name="email" type="email" autoComplete="email" required maxLength={254} />
        <label htmlFor="password">{t.password}</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          required
          minLength={mode === 'signup' ? 8 : 1}
          aria-describedby={mode === 'signup' ? 'password-hint' : undefined}
        />
        {mode === 'signup' && (
          <p id="password-hint" className="hint">
            {t.passwordHint}
          </p>
        )}
        <p role="alert" className="error">
          {error && `${t.error} ${error}`}
        </p>
        <div className="actions">
          <button className="primary" type="submit" disabled={busy}>
            {title}
          </button>
          <OtherWay to={mode === 'login' ? 'signup' : 'login'} />
        </div>
      </form>
    </>
  );
}

/** The way in a student did not take: "No account yet? Sign up" or "Already have an account? Log in". */
export function OtherWay({ to }: { to: 'login' | 'signup' }) {
  const { t } = useLanguage();
  return (
    <span>
      {to === 'signup' ? t.noAccount : t.haveAccount}{' '}
      <Link prefetch={false} href={`/${to}`}>
        {to === 'signup' ? t.navSignup : t.navLogin}
      </Link>
    </span>
  );
}
