'use client';
import { useEffect, useState } from 'react';
import { useLanguage } from './providers';

/**
 * "Loading…" while the page's script fetches what it shows. Until the script runs (a slow network,
 * or JavaScript off) it also says the page needs it, rather than "Loading…" for ever.
 */
export function Loading() {
  const { t } = useLanguage();
  const [running, setRunning] = useState(false);
  useEffect(() => setRunning(true), []);
  return (
    <p className="loading">
      {t.loading}
      {!running && <span className="hint"> {t.needsScript}</span>}
    </p>
  );
}
