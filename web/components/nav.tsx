'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { signedIn as hasToken, onAuthChange, signOut } from '../lib/account';
import { api } from '../lib/api';
import { waitingQuestions } from '../lib/learning';
import { useLanguage } from './providers';

/** The skip link, the menu and the language switch; logging out asks first (a thumb slips). */
export function Nav() {
  const { t, language, setLanguage } = useLanguage();
  const pathname = usePathname();
  const router = useRouter();
  const [signedIn, setSignedIn] = useState(false);
  const [confirming, setConfirming] = useState<{ waiting: number } | undefined>();
  const dialog = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read the token again on every navigation too
  useEffect(() => {
    const read = () => setSignedIn(hasToken());
    read();
    return onAuthChange(read);
  }, [pathname]);
  useEffect(() => {
    if (confirming) dialog.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [confirming]);
  const link = (href: string, label: string) => (
    <li>
      <Link prefetch={false} href={href} aria-current={pathname === href ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  const logout = async (deleteWaiting: boolean) => {
    setConfirming(undefined);
    await api('/api/auth/logout', { method: 'POST', timeoutMs: 5_000 }).catch(() => undefined);
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
                  type="button"
                  className="link"
                  aria-expanded={Boolean(confirming)}
                  onClick={() => setConfirming({ waiting: waitingQuestions() })}
                >
                  {t.navLogout}
                </button>
              </li>
            ) : (
              link('/login', t.navLogin)
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
            onKeyDown={(e) => e.key === 'Escape' && setConfirming(undefined)}
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
              <button type="button" className="secondary" onClick={() => setConfirming(undefined)}>
                {t.cancel}
              </button>
            </div>
          </div>
        )}
      </header>
    </>
  );
}
