'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { KEYS, storage } from '../lib/storage';
import { useLanguage } from './providers';

export function Nav() {
  const { t, language, setLanguage } = useLanguage();
  const pathname = usePathname();
  const router = useRouter();
  const [signedIn, setSignedIn] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: logging in or out navigates; read the token again then
  useEffect(() => setSignedIn(Boolean(storage.getItem(KEYS.token))), [pathname]);
  const link = (href: string, label: string) => (
    <li>
      <Link prefetch={false} href={href} aria-current={pathname === href ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  const logout = async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    storage.removeItem(KEYS.token);
    storage.removeItem(KEYS.session);
    router.push('/login');
  };
  return (
    <header className="bar">
      <Link prefetch={false} href="/" className="brand">
        {t.appName}
      </Link>
      <nav aria-label="Main">
        <ul>
          {link('/ask', t.navAsk)}
          {link('/sessions', t.navSessions)}
          {link('/subjects', t.navSubjects)}
          {signedIn ? (
            <li>
              <button type="button" className="link" onClick={logout}>
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
    </header>
  );
}
