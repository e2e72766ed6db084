import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Request } from 'express';

/** Set by the web app's /api proxy: the secret it shares with the API, and the address it saw. */
export const PROXY_SECRET_HEADER = 'x-brainbytes-proxy-secret';
export const PROXY_CLIENT_HEADER = 'x-brainbytes-client-address';

/**
 * The address rate limits count by. `req.ip` trusts only the hops `trust proxy` names (Heroku's
 * router appends the address it saw, which a client cannot forge). The web app's proxy is one
 * more hop that forwards many students: its word is taken only with the shared secret, so a client
 * calling the API directly cannot pass itself off as someone else.
 */
export function clientAddress(secret: string | undefined) {
  const expected = secret ? Buffer.from(secret) : undefined;
  return (req: Request): string => {
    const own = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    if (!expected) return own;
    const given = Buffer.from(String(req.headers[PROXY_SECRET_HEADER] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return own;
    const forwarded = String(req.headers[PROXY_CLIENT_HEADER] ?? '').trim();
    return isIP(forwarded) ? forwarded : own;
  };
}
