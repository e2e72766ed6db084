import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;

// scrypt (RFC 7914), memory-hard: N=2^15, r=8 needs 32 MiB per hash, which slows guessing on GPUs.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

/** A password hash to compare against when the email is unknown, so both paths take the same time. */
export const DUMMY_HASH_PROMISE = hashPassword(randomBytes(16).toString('hex'));

/**
 * Bearer tokens: `<auth session id>.<HMAC-SHA256 of it>`. The signature proves the server issued it;
 * the auth session row (expiry, revocation) decides whether it still counts, so logging out works.
 */
export class TokenSigner {
  constructor(private readonly secret: string) {}

  sign(sessionId: string): string {
    return `${sessionId}.${this.mac(sessionId)}`;
  }

  /** The session id of a well-signed token, or undefined. */
  verify(token: string): string | undefined {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const id = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(id));
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
  }

  /**
   * A device token: proof that this browser logged in to `email`'s account before
   * (`d1.<issued, epoch seconds>.<HMAC>`). It lets the owner past the per-account lock an attacker
   * elsewhere can fill; it is no password and opens nothing by itself.
   */
  signDevice(email: string, issuedSeconds = Math.floor(Date.now() / 1000)): string {
    return `d1.${issuedSeconds}.${this.mac(`device\u0000${email}\u0000${issuedSeconds}`)}`;
  }

  /** Whether `token` is a device token for `email` issued within `maxAgeDays`. */
  verifyDevice(token: string, email: string, maxAgeDays: number): boolean {
    const match = /^d1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return false;
    const issued = Number(match[1]);
    if (Date.now() / 1000 - issued > maxAgeDays * 86_400) return false;
    const given = Buffer.from(match[2]!);
    const expected = Buffer.from(this.mac(`device\u0000${email}\u0000${issued}`));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The keyed hash a sign-up code is stored as (never the code itself). */
  codeMac(email: string, code: string): string {
    return this.mac(`signup\u0000${email}\u0000${code}`);
  }

  private mac(id: string) {
    return createHmac('sha256', this.secret).update(id).digest('base64url');
  }
}
