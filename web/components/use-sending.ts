'use client';
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { signedIn } from '../lib/account';
import type { Messages } from '../lib/i18n';
import { queue, type StoredQuestion, sendQueue } from '../lib/learning';
import type { QueuedQuestion } from '../lib/offline-queue';

/**
 * The questions waiting on the phone and their sending, for /ask: what waits, whether a drain is
 * under way, what the API refused (in the student's words), and how long a limit asked to wait.
 * `words` is read through a ref: a language switch must not re-run the page's start-up.
 */
export function useSending(onAnswer: (q: StoredQuestion) => void, words: RefObject<Messages>) {
  const [waiting, setWaiting] = useState<QueuedQuestion[]>([]);
  const [sending, setSending] = useState(false);
  const [refused, setRefused] = useState<string[]>([]);
  const [waitMinutes, setWaitMinutes] = useState<number | undefined>();
  /** Reads the queue again (after asking, a login or a logout). */
  const queued = useCallback(() => setWaiting(queue().list()), []);
  const clearRefused = useCallback(() => setRefused([]), []);

  const send = useCallback(async () => {
    if (!queue().list().length || !signedIn()) return;
    setSending(true);
    const report = await sendQueue(onAnswer);
    setSending(false);
    setWaiting(queue().list());
    const t = words.current;
    if (report.refused.length)
      setRefused(
        report.refused.map(
          (r) =>
            `${r.item.question.slice(0, 60)} — ${t.refusedReason[r.message as 'ended' | 'invalid'] ?? t.refusedReason.invalid}`,
        ),
      );
    setWaitMinutes(
      report.stopped === 'rate_limited'
        ? Math.max(1, Math.ceil((report.retryAfterSeconds ?? 60) / 60))
        : undefined,
    );
  }, [onAnswer, words]);

  return { waiting, sending, refused, waitMinutes, send, queued, clearRefused };
}

/**
 * A ref whose element is scrolled into view after each `bring()`, once React has rendered it (a
 * frame requested at the call could run before the commit, and bring the element before it).
 */
export function useBringIntoView<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [times, setTimes] = useState(0);
  useEffect(() => {
    if (times) ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [times]);
  return [ref, useCallback(() => setTimes((n) => n + 1), [])] as const;
}
