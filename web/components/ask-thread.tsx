import Link from 'next/link';
import type { RefObject } from 'react';
import type { SubjectId } from '../lib/i18n';
import type { StoredQuestion } from '../lib/learning';
import type { QueuedQuestion } from '../lib/offline-queue';
import { Answer } from './answer';
import { useLanguage } from './providers';

/**
 * The ask page's thread: the answers (those of an earlier subject marked as such), then the
 * questions still waiting on this phone. `newest` holds the last answer, brought into view when it arrives.
 */
export function Thread({
  answered,
  elsewhere,
  waiting,
  newest,
  newestWaiting,
  waitingHint,
}: {
  answered: StoredQuestion[];
  elsewhere: StoredQuestion[];
  waiting: QueuedQuestion[];
  newest: RefObject<HTMLLIElement | null>;
  /** The last question still waiting, brought into view when it is asked. */
  newestWaiting: RefObject<HTMLLIElement | null>;
  waitingHint: string;
}) {
  const { t } = useLanguage();
  return (
    <ol className="thread">
      {answered.map((q, i) => (
        <li key={q.id} data-testid="answered" ref={i === answered.length - 1 ? newest : undefined}>
          {elsewhere.includes(q) && (
            <p className="hint">{t.answeredElsewhere(t.subjects[q.subject as SubjectId] ?? q.subject)}</p>
          )}
          <p className="q">
            <span className="sr-only">{t.you}: </span>
            {q.question}
          </p>
          <Answer q={q} who={t.tutor} />
        </li>
      ))}
      {waiting.map((q, i) => (
        <li key={q.key} data-testid="queued" ref={i === waiting.length - 1 ? newestWaiting : undefined}>
          <p className="q">{q.question}</p>
          <p className="hint">{waitingHint}</p>
        </li>
      ))}
    </ol>
  );
}

/** What the student should know before asking: offline, a login that ended, a wait for the rate limit. */
export function Notices({
  online,
  expired,
  waiting,
  waitMinutes,
}: {
  online: boolean;
  expired: boolean;
  waiting: number;
  waitMinutes: number | undefined;
}) {
  const { t } = useLanguage();
  return (
    <>
      {!online && <p className="notice">{t.offline}</p>}
      {expired && (
        <p className="notice" role="status" data-testid="login-expired">
          {t.loginExpired(waiting)}{' '}
          <Link prefetch={false} href="/login">
            {t.navLogin}
          </Link>
        </p>
      )}
      {waitMinutes !== undefined && (
        <p className="notice" role="status" data-testid="rate-limited">
          {t.rateLimited(waitMinutes)}
        </p>
      )}
    </>
  );
}
