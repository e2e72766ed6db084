'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { deviceTokens, keepDeviceToken, signIn } from '../lib/account';
import { ApiError, api, errorText } from '../lib/api';
import { type AuthFailure, authFailureOf } from '../lib/auth-handoff';
import { AUTH_MESSAGES } from '../lib/i18n-auth';
import { useLanguage } from './providers';

/**
 * Log-in and sign-up. The form posts to /auth/<mode> (never a GET: no password in a URL), so a tap
 * before the script runs still works; once it runs, the same form submits through fetch.
 * `failure` is the reason a posted form came back with.
 */
export function AuthForm({
  mode,
  failure,
  codeStep = false,
  email,
}: {
  mode: 'login' | 'signup';
  failure?: AuthFailure;
  /** The email a posted form was refused with: shown again. */
  email?: string | undefined;
  /** Sign-up by email code, second step: the code (and, after a posted form, the password again). */
  codeStep?: boolean;
}) {
  const { t, language } = useLanguage();
  const a = AUTH_MESSAGES[language];
  /** A refusal's reason in the student's language (an API out of reach is said as everywhere else). */
  const failed = (why: AuthFailure) => (why === 'unavailable' ? t.problem.unavailable : a.authFailed[why]);
  const router = useRouter();
  const [error, setError] = useState(failure ? failed(failure) : '');
  const [busy, setBusy] = useState(false);
  // What the first step sent, kept for the code step (never stored: gone with the page).
  const [waiting, setWaiting] = useState<{ email: string; password: string } | undefined>();
  const verifying = codeStep || waiting !== undefined;
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    const form = new FormData(event.currentTarget);
    const fields = Object.fromEntries(form.entries()) as Record<string, string>;
    // A code step reached by a posted form has its email only in the route's cookie: post it there.
    if (verifying && !waiting) return;
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const [path, body] = verifying
        ? ['/api/auth/verify', { ...waiting, ...fields }]
        : mode === 'login'
          ? ['/api/auth/login', { ...fields, devices: deviceTokens() }]
          : ['/api/auth/register', fields];
      const answer = await api<{
        token?: string;
        student?: { id: string };
        device?: string;
        status?: string;
      }>(path, { method: 'POST', body });
      if (answer.status === 'check_email') {
        setWaiting({ email: fields.email ?? '', password: fields.password ?? '' });
        return;
      }
      keepDeviceToken(answer.device);
      signIn(answer.token ?? '', answer.student?.id ?? '');
      // In place of the form: Back from /ask goes where the student was before, not to a login form.
      router.replace('/ask');
    } catch (e) {
      // The student's language, never the API's English: the same reasons the no-script form gives.
      setError(
        e instanceof ApiError && e.kind === 'refused'
          ? failed(authFailureOf(e.status, verifying))
          : errorText(e, t),
      );
    } finally {
      setBusy(false);
    }
  };
  const title = mode === 'login' ? a.login : a.signup;
  if (verifying)
    return (
      <>
        <title>{`${a.finishSignup} · ${t.appName}`}</title>
        <h1>{a.finishSignup}</h1>
        <p>{a.codeSent}</p>
        <form method="post" action="/auth/verify" onSubmit={submit}>
          <label htmlFor="code">{a.code}</label>
          <input
            id="code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
          />
          {!waiting && (
            <>
              <label htmlFor="password">{a.password}</label>
              <input id="password" name="password" type="password" autoComplete="new-password" required />
            </>
          )}
          <p role="alert" className="error">
            {error && `${t.error} ${error}`}
          </p>
          <div className="actions">
            <button className="primary" type="submit" disabled={busy}>
              {a.finishSignup}
            </button>
            <OtherWay to="login" />
          </div>
        </form>
      </>
    );
  return (
    <>
      <title>{`${title} · ${t.appName}`}</title>
      <h1>{title}</h1>
      <form method="post" action={`/auth/${mode}`} onSubmit={submit}>
        {mode === 'signup' && (
          <>
            <label htmlFor="name">{a.name}</label>
            <input id="name" name="name" autoComplete="name" required maxLength={100} />
          </>
        )}
        <label htmlFor="email">{a.email}</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          defaultValue={email}
        />
        <label htmlFor="password">{a.password}</label>
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
            {a.passwordHint}
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
  const { t, language } = useLanguage();
  const a = AUTH_MESSAGES[language];
  return (
    <span>
      {to === 'signup' ? a.noAccount : a.haveAccount}{' '}
      <Link prefetch={false} className="tap" href={`/${to}`}>
        {to === 'signup' ? t.navSignup : t.navLogin}
      </Link>
    </span>
  );
}
