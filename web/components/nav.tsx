'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { signedIn as hasToken, leaveToken, onAuthChange, signOut } from '../lib/account';
import { ApiError, api } from '../lib/api';
import { waitingQuestions } from '../lib/learning';
import { KEYS, storage } from '../lib/storage';
import { useLanguage } from './providers';

/** The skip link, the menu and the language switch; logging out asks first (a thumb slips). */
export function Nav() {
  const { t, language, setLanguage } = useLanguage();
  const pathname = usePathname();
  const router = useRouter();
  const [signedIn, setSignedIn] = useState(false);
  const [confirming, setConfirming] = useState<{ waiting: number } | undefined>();
  const dialog = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read the token again on every navigation too
  useEffect(() => {
    const read = () => setSignedIn(hasToken());
    read();
    return onAuthChange(read);
  }, [pathname]);
  // Opened on the harmless choice (a thumb slips); closed, focus goes back where it came from.
  useEffect(() => {
    if (confirming) dialog.current?.querySelector<HTMLButtonElement>('button[data-cancel]')?.focus();
  }, [confirming]);
  const cancel = () => {
    setConfirming(undefined);
    requestAnimationFrame(() => opener.current?.focus());
  };
  const link = (href: string, label: string, className?: string) => (
    <li className={className}>
      <Link prefetch={false} href={href} aria-current={pathname === href ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  const logout = async (deleteWaiting: boolean) => {
    setConfirming(undefined);
    const token = storage.getItem(KEYS.token);
    const revoked = await api('/api/auth/logout', { method: 'POST', timeoutMs: 5_000 }).then(
      () => true,
      (error) => !(error instanceof ApiError && error.retryable),
    );
    // No signal: the token is revoked when there is (components/providers.tsx), not left valid.
    if (!revoked && token) leaveToken(token);
    signOut({ deleteWaiting });
    router.push('/login');
  };
  return (
    <>
      <a className="skip" href="#main">
        {t.skip}
      </a>
      <header className="bar">
        <Link prefetch={false} href="/" className="brand">
          {t.appName}
        </Link>
        <nav aria-label={t.mainNav}>
          <ul>
            {link('/ask', t.navAsk)}
            {link('/sessions', t.navSessions)}
            {link('/subjects', t.navSubjects)}
            {signedIn ? (
              <li>
                <button
                  ref={opener}
                  type="button"
                  className="link"
                  aria-expanded={Boolean(confirming)}
                  onClick={() => setConfirming({ waiting: waitingQuestions() })}
                >
                  {t.navLogout}
                </button>
              </li>
            ) : (
              link('/login', t.navLogin, 'nav-login')
            )}
          </ul>
        </nav>
        <label className="lang">
          <span className="sr-only">{t.language}</span>
          <select value={language} onChange={(e) => setLanguage(e.target.value as 'en' | 'fil')}>
            <option value="en">English</option>
            <option value="fil">Filipino</option>
          </select>
        </label>
        {confirming && (
          <div
            ref={dialog}
            role="alertdialog"
            aria-labelledby="logout-title"
            aria-describedby="logout-detail"
            className="confirm"
            onKeyDown={(e) => e.key === 'Escape' && cancel()}
          >
            <p id="logout-title">
              <strong>{t.logoutAsk}</strong>
            </p>
            <p id="logout-detail">{confirming.waiting > 0 ? t.logoutWaiting(confirming.waiting) : ''}</p>
            <div className="actions">
              <button type="button" className="primary" onClick={() => logout(false)}>
                {t.logoutConfirm}
              </button>
              {confirming.waiting > 0 && (
                <button type="button" className="secondary" onClick={() => logout(true)}>
                  {t.logoutDelete}
                </button>
              )}
              <button type="button" className="secondary" data-cancel onClick={cancel}>
                {t.cancel}
              </button>
            </div>
          </div>
        )}
      </header>
    </>
  );
}
