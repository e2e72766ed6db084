'use client';
import { usePathname } from 'next/navigation';
import { useReportWebVitals } from 'next/web-vitals';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { leftTokens, onAuthChange, tokenRevoked } from '../lib/account';
import { ApiError, api, onApiFailure } from '../lib/api';
import { forgetHandoffNonce, takeHandoff } from '../lib/auth-handoff';
import { BUILD_STAMP } from '../lib/build-settings';
import { dataSaver } from '../lib/data-saver';
import { LANGUAGE_COOKIE, type Language, MESSAGES, type Messages } from '../lib/i18n';
import { flushRum, resendRum, track } from '../lib/rum-client';
import { KEYS, storage } from '../lib/storage';

interface LanguageState {
  language: Language;
  t: Messages;
  setLanguage: (language: Language) => void;
}

const LanguageContext = createContext<LanguageState>({
  language: 'en',
  t: MESSAGES.en,
  setLanguage: () => {},
});
export const useLanguage = () => useContext(LanguageContext);

// A log-in posted before this script ran (app/auth/[mode]/route.ts) left the token in a cookie:
// taken before any page looks for it.
if (typeof document !== 'undefined') takeHandoff();

const VITALS = new Set(['LCP', 'FCP', 'TTFB', 'INP', 'CLS']);

/** Page views, web vitals, transfer bytes, errors and connection changes, batched to /api/rum. */
function useRealUserMetrics() {
  const pathname = usePathname();
  useReportWebVitals((metric) => {
    if (VITALS.has(metric.name))
      track({ type: 'vital', name: metric.name as 'LCP', value: Math.max(0, metric.value) });
  });
  useEffect(() => {
    track({ type: 'page_view' }, pathname);
  }, [pathname]);
  useEffect(() => {
    const page = location.pathname;
    const measureTransfer = () => {
      const entries = [
        ...performance.getEntriesByType('navigation'),
        ...performance.getEntriesByType('resource'),
      ] as PerformanceResourceTiming[];
      const bytes = entries.reduce((sum, e) => sum + (e.transferSize || 0), 0);
      track({ type: 'transfer', bytes: Math.round(bytes) }, page);
    };
    // What the last page could not see answered goes once this one has loaded, off its critical path.
    const afterLoad = () => {
      setTimeout(measureTransfer, 0);
      setTimeout(resendRum, 2000);
    };
    if (document.readyState === 'complete') afterLoad();
    else addEventListener('load', afterLoad, { once: true });
    const onError = () => track({ type: 'error', kind: 'js' });
    const onOffline = () => track({ type: 'connection', event: 'offline' });
    const onOnline = () => {
      track({ type: 'connection', event: 'online' });
      flushRum();
      resendRum();
      void revokeLeftTokens();
    };
    void revokeLeftTokens();
    const onHide = () => {
      if (document.visibilityState === 'hidden') flushRum();
    };
    // Leaving a visible page fires pagehide, then visibilitychange (HTML's "unload a document"),
    // and the web vitals are reported between the two: one beacon, sent on the second.
    const onPageHide = () => {
      if (document.visibilityState === 'hidden') flushRum();
    };
    const stopApi = onApiFailure((error) => {
      if (error.kind === 'timeout' || error.kind === 'failed')
        track({ type: 'connection', event: error.kind });
      if (error.kind !== 'offline') track({ type: 'error', kind: 'api' });
    });
    addEventListener('error', onError);
    addEventListener('unhandledrejection', onError);
    addEventListener('offline', onOffline);
    addEventListener('online', onOnline);
    addEventListener('pagehide', onPageHide);
    document.addEventListener('visibilitychange', onHide);
    return () => {
      stopApi();
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onError);
      removeEventListener('offline', onOffline);
      removeEventListener('online', onOnline);
      removeEventListener('pagehide', onPageHide);
      document.removeEventListener('visibilitychange', onHide);
    };
  }, []);
}

/**
 * Revokes the tokens logged out while the API could not be reached; those it refuses are gone
 * already. A signal just back often fails its first request: tried again every 5 s while online.
 */
let revoking = false;
async function revokeLeftTokens() {
  if (revoking) return;
  revoking = true;
  try {
    for (const token of leftTokens()) {
      const done = await api('/api/auth/logout', { method: 'POST', token, timeoutMs: 5_000 }).then(
        () => true,
        (error) => !(error instanceof ApiError && error.retryable),
      );
      if (!done) {
        if (navigator.onLine) setTimeout(() => void revokeLeftTokens(), 5_000);
        return; // offline: the next 'online' tries again
      }
      tokenRevoked(token);
    }
  } finally {
    revoking = false;
  }
}

/** The server renders the language from the cookie; the page keeps the cookie and storage in step. */
function rememberLanguage(language: Language) {
  storage.setItem(KEYS.language, language);
  // biome-ignore lint/suspicious/noDocumentCookie: Cookie Store is missing from the browsers students have (Firefox, older WebViews)
  document.cookie = `${LANGUAGE_COOKIE}=${language}; Path=/; Max-Age=31536000; SameSite=Lax`;
}

/** After a client-side navigation, focus goes to the new page's heading (not the body) and is announced. */
function useFocusOnNavigation() {
  const pathname = usePathname();
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per navigation
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>('main h1');
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
  }, [pathname]);
}

/**
 * A page shows one student's things (or a visitor's) for as long as it is on screen. When another
 * tab logs in or out, and when Back brings this page out of the back/forward cache after such a
 * change, it loads afresh: on a shared phone the next student never sees the last one's answers.
 */
function useOneStudentPerPage() {
  useEffect(() => {
    const who = () => `${storage.getItem(KEYS.student) ?? ''}/${storage.getItem(KEYS.token) ? 'in' : 'out'}`;
    let shown = who();
    const stop = onAuthChange(() => {
      shown = who(); // this page's own log-in or log-out: it shows the change itself
    });
    let reloading = false;
    const check = () => {
      // Once: a logout elsewhere removes several keys, each a storage event.
      if (reloading || who() === shown) return;
      reloading = true;
      location.reload();
    };
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) check();
    };
    const onStorage = (event: StorageEvent) => {
      if (event.key === null || event.key === KEYS.token || event.key === KEYS.student) check();
    };
    addEventListener('pageshow', onShow);
    addEventListener('storage', onStorage);
    return () => {
      stop();
      removeEventListener('pageshow', onShow);
      removeEventListener('storage', onStorage);
    };
  }, []);
}

/** The app opens offline (worker/sw.js); registered once the page has loaded and is idle, off the critical path. */
function useServiceWorker() {
  useEffect(() => {
    // Not under `next dev`: a kept page would hide the change a developer just made.
    if (!('serviceWorker' in navigator) || process.env.NODE_ENV !== 'production') return;
    const register = () =>
      navigator.serviceWorker
        // Data saver: a worker that keeps pages as they are visited, not every page ahead.
        // Its URL names its build, so the copy in the browser's cache is right: the update check the
        // browser makes after navigations is answered from there (≈740 B each, and a request).
        .register(`/sw.js?v=${BUILD_STAMP}${dataSaver() ? '&saver=1' : ''}`, { updateViaCache: 'all' })
        .catch(() => undefined);
    // Once the page is idle after loading: the worker's downloads never compete with the page's.
    const whenIdle = () =>
      'requestIdleCallback' in window
        ? requestIdleCallback(register, { timeout: 5000 })
        : setTimeout(register, 1000);
    if (document.readyState === 'complete') whenIdle();
    else addEventListener('load', whenIdle, { once: true });
  }, []);
}

export function Providers({ children, language: initial }: { children: ReactNode; language: Language }) {
  const [language, setLanguageState] = useState<Language>(initial);
  useEffect(forgetHandoffNonce, []);
  useEffect(() => {
    // Chosen before the cookie existed: bring the cookie in step so the server renders it next time.
    const saved = storage.getItem(KEYS.language);
    if ((saved === 'fil' || saved === 'en') && saved !== initial) {
      rememberLanguage(saved);
      setLanguageState(saved);
    } else if (!document.cookie.includes(`${LANGUAGE_COOKIE}=`)) rememberLanguage(initial);
  }, [initial]);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const setLanguage = useCallback((next: Language) => {
    rememberLanguage(next);
    setLanguageState(next);
    track({ type: 'action', action: 'language_switch' });
  }, []);
  useRealUserMetrics();
  useFocusOnNavigation();
  useServiceWorker();
  useOneStudentPerPage();
  return (
    <LanguageContext.Provider value={{ language, t: MESSAGES[language], setLanguage }}>
      {children}
    </LanguageContext.Provider>
  );
}
