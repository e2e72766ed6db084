import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Credential } from '../config';
import { HttpError } from './http-error';

export type Role = 'push' | 'scrape' | 'admin';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Basic auth with separate push, scrape and admin credentials. Admin may do everything. Secrets
 * are compared as SHA-256 digests with timingSafeEqual, and every credential is checked, so the
 * time taken says nothing about which part was wrong.
 */
export class Authenticator {
  private readonly entries: Array<{ role: Role; digest: Buffer }>;

  constructor(credentials: Record<Role, Credential[]>) {
    this.entries = (Object.keys(credentials) as Role[]).flatMap((role) =>
      credentials[role].map((c) => ({ role, digest: digest(`${c.user}:${c.password}`) })),
    );
  }

  get enabled() {
    return this.entries.length > 0;
  }

  /** Throws 401 without valid credentials and 403 when they belong to a role that may not do this. */
  authorize(req: IncomingMessage, allowed: Role) {
    if (!this.enabled) return;
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    const given = digest(match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '');
    const roles = new Set<Role>();
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, given)) roles.add(entry.role);
    if (roles.size === 0) {
      throw new HttpError(401, match ? 'wrong user or password' : 'credentials required (HTTP basic auth)');
    }
    if (!roles.has(allowed) && !roles.has('admin')) {
      throw new HttpError(
        403,
        `these credentials may not ${allowed === 'admin' ? 'use the admin API' : allowed}`,
      );
    }
  }
}
