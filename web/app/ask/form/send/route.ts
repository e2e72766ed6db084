import type { NextRequest } from 'next/server';
import {
  FORM_COOKIE,
  FORM_PATH,
  TYPED_QUESTION_COOKIE,
  TYPED_QUESTION_MAX,
} from '../../../../lib/auth-handoff';
import { callApi, cookieFlags, readForm, refuseOtherSites } from '../../../../lib/form-posts';
import { SUBJECT_IDS } from '../../../../lib/i18n';
import type { FormRefusal } from '../../../../lib/i18n-form';
import { formLogin } from '../login';

/**
 * A question posted by the form of /ask/form (no JavaScript): asked through the API with the form
 * cookie's token, in the session the page showed or a new one, with the page's own key as the
 * Idempotency-Key (a resent form is answered once), then back to the page with the answer (303).
 */
export const dynamic = 'force-dynamic';

export async function POST(request: NextRequest) {
  const foreign = refuseOtherSites(request);
  if (foreign) return foreign;
  const form = await readForm(request);
  if (form instanceof Response) return form;
  const login = formLogin(request.cookies.get(FORM_COOKIE)?.value);
  const flags = cookieFlags(request);
  const back = (query: string, ...cookies: string[]) => {
    const headers = new Headers({ Location: `${FORM_PATH}${query}`, 'Cache-Control': 'no-store' });
    for (const cookie of cookies) headers.append('Set-Cookie', cookie);
    return new Response(null, { status: 303, headers });
  };
  if (!login) return back('');
  const key = form.get('key') ?? '';
  const question = form.get('question') ?? '';
  const subject = form.get('subject') ?? '';
  let session = form.get('session') ?? '';
  const refused = (status: number | undefined): FormRefusal =>
    status === 429
      ? 'limited'
      : status === 404 || status === 409
        ? 'ended'
        : status && status < 500
          ? 'invalid'
          : 'unavailable';
  const ended = () => back('', `${FORM_COOKIE}=; Path=${FORM_PATH}; Max-Age=0; HttpOnly; ${flags}`);
  // Refused or not sent: back to the form with the reason and the question as typed, kept a minute.
  const refusedBack = (query: string) => {
    const typed = encodeURIComponent(question);
    return typed.length <= TYPED_QUESTION_MAX
      ? back(query, `${TYPED_QUESTION_COOKIE}=${typed}; Path=${FORM_PATH}; Max-Age=60; HttpOnly; ${flags}`)
      : back(query);
  };
  if (!/^[0-9a-f-]{36}$/.test(key)) return refusedBack(`?error=invalid`);
  if (!/^[0-9a-f-]{36}$/.test(session)) {
    if (!(SUBJECT_IDS as readonly string[]).includes(subject)) return refusedBack(`?error=invalid`);
    const started = await callApi(request, '/api/sessions', {
      body: { subject },
      token: login.token,
      idempotencyKey: `session-${key}`,
    });
    if (started?.status === 401) return ended();
    if (!started?.ok) return refusedBack(`?subject=${subject}&error=${refused(started?.status)}`);
    session = ((await started.json()) as { id: string }).id;
  }
  const asked = await callApi(request, `/api/sessions/${session}/questions`, {
    body: { question },
    token: login.token,
    idempotencyKey: key,
  });
  if (asked?.status === 401) return ended();
  if (!asked?.ok) {
    const why = refused(asked?.status);
    // An ended session: the next question starts a new one (the page forgets it).
    // Not taken yet, or not known to be (a limit, a timeout): sent again, it keeps its key, so a
    // question that did reach the tutor is not answered, and billed, twice.
    const again = why === 'limited' || why === 'unavailable' ? `&key=${key}` : '';
    return refusedBack(why === 'ended' ? `?error=ended` : `?session=${session}&error=${why}${again}`);
  }
  return back(
    `?session=${session}`,
    `${TYPED_QUESTION_COOKIE}=; Path=${FORM_PATH}; Max-Age=0; HttpOnly; ${flags}`,
  );
}
