/**
 * A URL that carries basic-auth credentials (`https://user:password@host`, as operators paste
 * them) split into the URL without them — safe to log and to put in errors — and the header
 * they make.
 */
export function splitUrlCredentials(url: string): { base: string; headers: Record<string, string> } {
  const u = new URL(url);
  const headers: Record<string, string> = {};
  if (u.username) {
    const pair = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
    headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  u.username = '';
  u.password = '';
  return { base: u.toString().replace(/\/$/, ''), headers };
}
