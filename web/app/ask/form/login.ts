import { decodedCookie } from '../../../lib/auth-handoff';

/** The form cookie's student id and token (lib/auth-handoff.ts: FORM_COOKIE), or undefined when it is missing or malformed. */
export function formLogin(value: string | undefined): { student: string; token: string } | undefined {
  const [student, token, ...rest] = (decodedCookie(value) ?? '').split(' ');
  return student && token && rest.length === 0 ? { student, token } : undefined;
}
