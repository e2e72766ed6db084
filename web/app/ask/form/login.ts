/** The form cookie's student id and token (lib/auth-handoff.ts: FORM_COOKIE), or undefined when it is missing or malformed. */
export function formLogin(value: string | undefined): { student: string; token: string } | undefined {
  if (!value) return undefined;
  try {
    const [student, token, ...rest] = decodeURIComponent(value).split(' ');
    return student && token && rest.length === 0 ? { student, token } : undefined;
  } catch {
    return undefined;
  }
}
