import { randomUUID } from 'node:crypto';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { NextStep } from '../../../components/next-step';
import { decodedCookie, FORM_COOKIE, FORM_PATH, TYPED_QUESTION_COOKIE } from '../../../lib/auth-handoff';
import { MESSAGES, SUBJECT_IDS, type SubjectId } from '../../../lib/i18n';
import { FORM_MESSAGES, type FormRefusal } from '../../../lib/i18n-form';
import type { StoredQuestion } from '../../../lib/learning';
import { proxySettings } from '../../../lib/proxy';
import { requestLanguage } from '../../../lib/request-language';
import { formLogin } from './login';

const UUID = /^[0-9a-f-]{36}$/;

/**
 * /ask for a browser without JavaScript: a plain form that posts the question (./send), and the
 * session's answers rendered here, on the server. It is the student's own page: never kept by a
 * cache (Next's no-store for a page rendered per request; the service worker keeps no such page).
 */
export default async function AskByForm({
  searchParams,
}: {
  searchParams: Promise<{ session?: string; error?: string; subject?: string; key?: string }>;
}) {
  const language = await requestLanguage();
  const t = MESSAGES[language];
  const f = FORM_MESSAGES[language];
  const { session, error, subject, key } = await searchParams;
  const jar = await cookies();
  const login = formLogin(jar.get(FORM_COOKIE)?.value);
  const typed = error ? decodedCookie(jar.get(TYPED_QUESTION_COOKIE)?.value) : undefined;
  const title = <title>{`${f.title} · ${t.appName}`}</title>;
  const found = login ? await threadOf(session, login.token) : 'ended';
  if (found === 'ended')
    return (
      <>
        {title}
        <h1>{f.title}</h1>
        <p className="notice">{f.logInFirst}</p>
        <NextStep href="/login">{t.navLogin}</NextStep>
      </>
    );
  // The API not reached: the form still works (a question sent then comes back with the reason),
  // but the page says why the session's answers are missing rather than showing none.
  const unreachable = found === 'unreachable';
  const thread = unreachable ? [] : found;
  const sessionId =
    thread[0]?.session_id ?? (unreachable && session && UUID.test(session) ? session : undefined);
  const refusal = error && error in f.refused ? f.refused[error as FormRefusal] : undefined;
  const chosen = (SUBJECT_IDS as readonly string[]).includes(thread[0]?.subject ?? subject ?? '')
    ? ((thread[0]?.subject ?? subject) as SubjectId)
    : 'math';
  return (
    <>
      {title}
      <h1>{f.title}</h1>
      {unreachable && (
        <p className="notice" role="alert" data-testid="form-unreachable">
          {f.unreachable}
        </p>
      )}
      {refusal && (
        <p className="error" role="alert" data-testid="form-refused">
          {refusal}
        </p>
      )}
      <form method="post" action={`${FORM_PATH}/send`}>
        {/* One key per question: posting this page twice (a double tap, a resend) asks once, and a
            question sent again after a limit or a timeout keeps the key it was sent with. */}
        <input type="hidden" name="key" value={key && UUID.test(key) ? key : randomUUID()} />
        {sessionId && <input type="hidden" name="session" value={sessionId} />}
        <label htmlFor="subject">{t.subject}</label>
        <select id="subject" name="subject" defaultValue={chosen} disabled={Boolean(sessionId)}>
          {SUBJECT_IDS.map((id) => (
            <option key={id} value={id}>
              {t.subjects[id]}
            </option>
          ))}
        </select>
        <label htmlFor="question">{t.question}</label>
        <textarea id="question" name="question" rows={4} maxLength={2000} required defaultValue={typed} />
        <p className="actions">
          <button className="primary" type="submit">
            {t.ask}
          </button>
          {sessionId && (
            <Link prefetch={false} href={FORM_PATH}>
              {t.newSession}
            </Link>
          )}
        </p>
      </form>
      {thread.length > 0 && (
        <section aria-labelledby="thread-title">
          <h2 id="thread-title">{`${t.thread} · ${t.subjects[chosen]}`}</h2>
          {!error && <p className="hint">{f.sent}</p>}
          <ol className="thread">
            {thread.map((q) => (
              <li key={q.id} data-testid="answered">
                <p className="q">
                  <span className="sr-only">{t.you}: </span>
                  {q.question}
                </p>
                <div className="a lesson">
                  <span className="sr-only">{t.tutor}: </span>
                  {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the API's renderer escapes raw HTML, allows http(s)/mailto links only and MathML without \href */}
                  <div dangerouslySetInnerHTML={{ __html: q.answer_html }} />
                </div>
              </li>
            ))}
          </ol>
        </section>
      )}
      {/* Logged in: the menu's "Log in" is hidden on this page (its own Log out needs JavaScript). */}
      <style>{'.nav-login{display:none}'}</style>
      <form method="post" action={`${FORM_PATH}/logout`}>
        <button className="secondary" type="submit">
          {t.navLogout}
        </button>
      </form>
    </>
  );
}

/**
 * The session's questions and answers (none before the first question), asked with the student's
 * token; 'ended' when the login has ended (the token was revoked, by a logout anywhere, or
 * expired); 'unreachable' when the API did not answer (down, or over 15 s) or failed.
 */
async function threadOf(
  session: string | undefined,
  token: string,
): Promise<StoredQuestion[] | 'ended' | 'unreachable'> {
  const valid = session && UUID.test(session);
  const res = await fetch(
    `${proxySettings().apiUrl}/api${valid ? `/sessions/${session}/questions` : '/auth/me'}`,
    {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(15_000),
    },
  ).catch(() => undefined);
  if (res?.status === 401) return 'ended';
  if (!res || res.status >= 500) return 'unreachable';
  return valid && res.ok ? ((await res.json()) as StoredQuestion[]) : [];
}
