import type { NextRequest } from 'next/server';
import { FORM_COOKIE, FORM_PATH } from '../../../../lib/auth-handoff';
import { callApi, cookieFlags, refuseOtherSites } from '../../../../lib/form-posts';
import { formLogin } from '../login';

/** Logging out without JavaScript: the token is revoked at the API, the cookie deleted, then the log-in page. */
export const dynamic = 'force-dynamic';

export async function POST(request: NextRequest) {
  const foreign = refuseOtherSites(request);
  if (foreign) return foreign;
  const login = formLogin(request.cookies.get(FORM_COOKIE)?.value);
  if (login) await callApi(request, '/api/auth/logout', { token: login.token });
  return new Response(null, {
    status: 303,
    headers: {
      Location: '/login',
      'Cache-Control': 'no-store',
      'Set-Cookie': `${FORM_COOKIE}=; Path=${FORM_PATH}; Max-Age=0; HttpOnly; ${cookieFlags(request)}`,
    },
  });
}
