import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * HTTP basic auth compared in constant time: both sides are reduced to SHA-256 digests of
 * `user:password` (equal lengths for timingSafeEqual), so timing says nothing about either part.
 */
export const credentialDigest = (userAndPassword: string) =>
  createHash('sha256').update(userAndPassword).digest();

/** The digest of what an `Authorization: Basic …` header carries (of '' when it carries none). */
export function presentedDigest(authorization: string | undefined): { digest: Buffer; present: boolean } {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  return {
    digest: credentialDigest(match ? Buffer.from(match[1]!, 'base64').toString('utf8') : ''),
    present: match !== null,
  };
}

export const sameDigest = (a: Buffer, b: Buffer) => timingSafeEqual(a, b);
