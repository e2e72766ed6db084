import type { AppMetrics } from '@brainbytes/telemetry';
import type { Request } from 'express';
import { DUMMY_HASH_PROMISE, hashPassword, type TokenSigner, verifyPassword } from './auth';
import type { Database } from './db/database';
import { HttpError } from './errors';

export interface Student {
  id: string;
  email: string;
  name: string;
}

const MAX_FAILED_LOGINS = 5;
const LOCK_MINUTES = 15;
const WRONG = 'email or password is wrong';

/** Sign-up, log-in (slowed and then locked after repeated failures) and log-out, and who a token belongs to. */
export class Students {
  constructor(
    private readonly db: Database,
    private readonly tokens: TokenSigner,
    private readonly tokenTtlHours: number,
    private readonly metrics?: AppMetrics,
  ) {}

  private event(
    event: 'register' | 'login' | 'logout',
    outcome: 'success' | 'failure' | 'locked' | 'conflict',
  ) {
    this.metrics?.authEvents.inc({ event, outcome });
  }

  async register(
    email: string,
    name: string,
    password: string,
  ): Promise<{ token: string; student: Student }> {
    const hash = await hashPassword(password);
    const rows = await this.db.query<Student>(
      'INSERT INTO students (email, name, password_hash) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING id, email, name',
      [email, name, hash],
    );
    if (rows.length === 0) {
      this.event('register', 'conflict');
      throw new HttpError(409, 'could not create an account with that email; if it is yours, log in');
    }
    this.event('register', 'success');
    return { token: await this.issue(rows[0]!.id), student: rows[0]! };
  }

  async login(email: string, password: string): Promise<{ token: string; student: Student }> {
    const [row] = await this.db.query<
      Student & { password_hash: string; failed_logins: number; locked_until: Date | null }
    >('SELECT id, email, name, password_hash, failed_logins, locked_until FROM students WHERE email = $1', [
      email,
    ]);
    if (!row) {
      await verifyPassword(password, await DUMMY_HASH_PROMISE); // same time as a real check: no account enumeration
      this.event('login', 'failure');
      throw new HttpError(401, WRONG);
    }
    if (row.locked_until && new Date(row.locked_until) > new Date()) {
      this.event('login', 'locked');
      throw new HttpError(429, `too many failed log-ins; try again in ${LOCK_MINUTES} minutes`);
    }
    if (!(await verifyPassword(password, row.password_hash))) {
      await this.db.query(
        `UPDATE students SET failed_logins = failed_logins + 1,
           locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + interval '${LOCK_MINUTES} minutes' ELSE locked_until END
         WHERE id = $1`,
        [row.id, MAX_FAILED_LOGINS],
      );
      // Each failure costs the guesser a little more time, up to a second.
      await new Promise((r) => setTimeout(r, Math.min(1000, 100 * 2 ** row.failed_logins)));
      this.event('login', 'failure');
      throw new HttpError(401, WRONG);
    }
    await this.db.query(
      'UPDATE students SET failed_logins = 0, locked_until = NULL, last_seen_at = now() WHERE id = $1',
      [row.id],
    );
    this.event('login', 'success');
    return { token: await this.issue(row.id), student: { id: row.id, email: row.email, name: row.name } };
  }

  async logout(req: Request) {
    const sessionId = this.tokens.verify(bearer(req) ?? '');
    if (sessionId)
      await this.db.query('UPDATE auth_sessions SET revoked_at = now() WHERE id = $1', [sessionId]);
    this.event('logout', 'success');
  }

  /** The student a request's bearer token belongs to; 401 when missing, forged, expired or revoked. */
  async authenticate(req: Request): Promise<Student> {
    const token = bearer(req);
    if (!token) throw new HttpError(401, 'sign in first (Authorization: Bearer <token>)');
    const sessionId = this.tokens.verify(token);
    if (!sessionId || !/^[0-9a-f-]{36}$/.test(sessionId))
      throw new HttpError(401, 'the token is not valid; sign in again');
    const [student] = await this.db.query<Student>(
      `SELECT s.id, s.email, s.name FROM auth_sessions a JOIN students s ON s.id = a.student_id
       WHERE a.id = $1 AND a.revoked_at IS NULL AND a.expires_at > now()`,
      [sessionId],
    );
    if (!student) throw new HttpError(401, 'the token has expired or was signed out; sign in again');
    return student;
  }

  private async issue(studentId: string): Promise<string> {
    const [row] = await this.db.query<{ id: string }>(
      `INSERT INTO auth_sessions (student_id, expires_at) VALUES ($1, now() + make_interval(hours => $2)) RETURNING id`,
      [studentId, this.tokenTtlHours],
    );
    return this.tokens.sign(row!.id);
  }
}

function bearer(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
