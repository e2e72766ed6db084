import type { IncomingMessage } from 'node:http';
import { credentialDigest, presentedDigest, sameDigest } from '@brainbytes/telemetry/service';
import type { Credential } from '../config';
import { HttpError } from './http-error';

export type Role = 'push' | 'scrape' | 'admin';

/**
 * Basic auth with separate push, scrape and admin credentials. Admin may do everything. Every
 * credential is compared (in constant time), so the time taken says nothing about which was close.
 */
export class Authenticator {
  private readonly entries: Array<{ role: Role; digest: Buffer }>;

  constructor(credentials: Record<Role, Credential[]>) {
    this.entries = (Object.keys(credentials) as Role[]).flatMap((role) =>
      credentials[role].map((c) => ({ role, digest: credentialDigest(`${c.user}:${c.password}`) })),
    );
  }

  get enabled() {
    return this.entries.length > 0;
  }

  /** Throws 401 without valid credentials and 403 when they belong to a role that may not do this. */
  authorize(req: IncomingMessage, allowed: Role) {
    if (!this.enabled) return;
    const given = presentedDigest(req.headers.authorization);
    const roles = new Set<Role>();
    for (const entry of this.entries) if (sameDigest(entry.digest, given.digest)) roles.add(entry.role);
    if (roles.size === 0) {
      throw new HttpError(
        401,
        given.present ? 'wrong user or password' : 'credentials required (HTTP basic auth)',
      );
    }
    if (!roles.has(allowed) && !roles.has('admin')) {
      throw new HttpError(
        403,
        `these credentials may not ${allowed === 'admin' ? 'use the admin API' : allowed}`,
      );
    }
  }
}
