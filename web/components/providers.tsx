'use client';
import { usePathname } from 'next/navigation';
import { useReportWebVitals } from 'next/web-vitals';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { onApiFailure } from '../lib/api';
import { takeHandoff } from '../lib/auth-handoff';
import { type Language, MESSAGES, type Messages } from '../lib/i18n';
import { flushRum, track } from '../lib/rum-client';
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
    if (document.readyState === 'complete') setTimeout(measureTransfer, 0);
    else addEventListener('load', () => setTimeout(measureTransfer, 0), { once: true });
    const onError = () => track({ type: 'error', kind: 'js' });
    const onOffline = () => track({ type: 'connection', event: 'offline' });
    const onOnline = () => {
      track({ type: 'connection', event: 'online' });
      flushRum();
    };
    const onHide = () => {
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
    addEventListener('pagehide', flushRum);
    document.addEventListener('visibilitychange', onHide);
    return () => {
      stopApi();
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onError);
      removeEventListener('offline', onOffline);
      removeEventListener('online', onOnline);
      removeEventListener('pagehide', flushRum);
      document.removeEventListener('visibilitychange', onHide);
    };
  }, []);
}

export function Providers({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>('en');
  useEffect(() => {
    const saved = storage.getItem(KEYS.language);
    const preferred =
      saved === 'fil' || saved === 'en' ? saved : /^(fil|tl)\b/i.test(navigator.language) ? 'fil' : 'en';
    setLanguageState(preferred);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language === 'fil' ? 'fil' : 'en';
  }, [language]);
  const setLanguage = useCallback((next: Language) => {
    storage.setItem(KEYS.language, next);
    setLanguageState(next);
    track({ type: 'action', action: 'language_switch' });
  }, []);
  useRealUserMetrics();
  return (
    <LanguageContext.Provider value={{ language, t: MESSAGES[language], setLanguage }}>
      {children}
    </LanguageContext.Provider>
  );
}
