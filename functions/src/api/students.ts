import { randomInt, timingSafeEqual } from 'node:crypto';
import type { AppMetrics } from '@brainbytes/telemetry/metrics';
import type { Database } from '../data/database';
import { refused } from '../errors';
import { DUMMY_HASH_PROMISE, hashPassword, type TokenSigner, verifyPassword } from './auth';
import type { RateLimits } from './rate-limits';
import type { SendSignupMail, SignupMail } from './signup-mail';

export interface Student {
  id: string;
  email: string;
  name: string;
  /** The synthetic student (jobs/synthetic-student.ts); set where `authenticate` read it. */
  synthetic?: boolean;
}

const WRONG = 'email or password is wrong';

/** Sign-up's answer when it goes by email: the same for a new and a taken address. */
export interface CheckEmail {
  status: 'check_email';
  message: string;
}
const CHECK_EMAIL: CheckEmail = {
  status: 'check_email',
  message:
    'Check your email: we sent a code to finish signing up (or, if you already have an account, a note saying so).',
};

/** A log-in's answer: the bearer token, who it is, and this browser's device token for the next log-in. */
export interface SignedIn {
  token: string;
  student: Student;
  device: string;
}

/**
 * Sign-up, log-in and log-out, and who a token belongs to. Password checks are rate limited in
 * the database before any hashing: by account and address together (so an attacker elsewhere
 * cannot lock the owner out), by address (so a flood spends the flooder's own budget), and by
 * account across addresses. Unknown and known emails are limited and timed alike.
 */
export class Students {
  constructor(
    private readonly db: Database,
    private readonly tokens: TokenSigner,
    private readonly tokenTtlHours: number,
    private readonly limits: RateLimits,
    private readonly metrics?: AppMetrics,
    private readonly deviceTokenDays = 90,
    /** Sign-up by email code; without it sign-up is instant and a taken email is 409. */
    private readonly signupMail?: { send: SendSignupMail; codeMinutes: number },
  ) {}

  private event(
    event: 'register' | 'login' | 'logout',
    outcome: 'success' | 'failure' | 'locked' | 'conflict' | 'pending',
  ) {
    this.metrics?.authEvents.inc({ event, outcome });
  }

  async register(
    email: string,
    name: string,
    password: string,
    address: string,
  ): Promise<SignedIn | CheckEmail> {
    await this.limits.take('login_address', address); // hashing costs 32 MiB: counted as a sign-in
    await this.limits.take('signups_address', address);
    const hash = await hashPassword(password);
    if (this.signupMail) return this.registerByMail(email, name, hash);
    const rows = await this.db.query<Student>(
      'INSERT INTO students (email, name, password_hash) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING id, email, name',
      [email, name, hash],
    );
    if (rows.length === 0) {
      this.event('register', 'conflict');
      throw refused('conflict', 'could not create an account with that email; if it is yours, log in');
    }
    this.event('register', 'success');
    return { token: await this.issue(rows[0]!.id), student: rows[0]!, device: this.tokens.signDevice(email) };
  }

  /**
   * The same answer, the same work and one email for a new and a taken address: a code to finish
   * signing up, or a note that the account exists. A flood of sign-ups for one address sends it no
   * more than API_RATE_SIGNUP_MAIL emails, and the answer still does not change.
   */
  private async registerByMail(email: string, name: string, hash: string): Promise<CheckEmail> {
    const { send, codeMinutes } = this.signupMail!;
    const [existing] = await this.db.query('SELECT 1 FROM students WHERE email = $1', [email]);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    // A new and a taken address run the same statements (a taken address's row goes again in the
    // second), so the time of the answer does not tell whether the address has an account: the
    // new one's two writes once made it twice as slow under load.
    const [pending] = await this.db.query<{ id: string }>(
      `INSERT INTO pending_signups (email, name, password_hash, code_mac, expires_at)
       VALUES ($1, $2, $3, $4, now() + $5::float8 * interval '1 minute') RETURNING id`,
      [email, name, hash, this.tokens.codeMac(email, code), codeMinutes],
    );
    // The newest three sign-ups for an email wait; older ones and expired ones go.
    await this.db.query(
      `DELETE FROM pending_signups WHERE expires_at < now() OR id = $2 OR id IN (
         SELECT id FROM pending_signups WHERE email = $1 ORDER BY created_at DESC OFFSET 3)`,
      [email, existing ? pending?.id : null],
    );
    const mail: SignupMail = existing ? { kind: 'exists' } : { kind: 'code', code, minutes: codeMinutes };
    this.event('register', existing ? 'conflict' : 'pending');
    const mailed = await this.limits.take('signup_mail', email).then(
      () => true,
      () => false,
    );
    if (mailed)
      await send(email, mail).catch(() => {
        throw refused(
          'unavailable',
          'we could not send the email just now; please try again in a few minutes',
        );
      });
    return CHECK_EMAIL;
  }

  /**
   * Finishes a sign-up with the code from the email and the password chosen with it (a code
   * someone else's sign-up sent to this address does not carry this person's password).
   */
  async verify(email: string, code: string, password: string, address: string): Promise<SignedIn> {
    try {
      await this.limits.take('login_address', address);
      await this.limits.take('login_account_address', `${email}\u0000${address}`);
      await this.limits.take('login_account', email);
    } catch (error) {
      this.event('register', 'locked');
      throw error;
    }
    const waiting = await this.db.query<{
      id: string;
      name: string;
      password_hash: string;
      code_mac: string;
    }>(
      'SELECT id, name, password_hash, code_mac FROM pending_signups WHERE email = $1 AND expires_at > now()',
      [email],
    );
    const given = Buffer.from(this.tokens.codeMac(email, code));
    const match = waiting.find((w) => {
      const stored = Buffer.from(w.code_mac);
      return stored.length === given.length && timingSafeEqual(stored, given);
    });
    // One scrypt check either way, as for log-in.
    const ok = await verifyPassword(password, match?.password_hash ?? (await DUMMY_HASH_PROMISE));
    if (!match || !ok) {
      this.event('register', 'failure');
      throw refused(
        'unauthenticated',
        'the code or password is wrong, or the code has expired; sign up again for a new code',
      );
    }
    const rows = await this.db.query<Student>(
      'INSERT INTO students (email, name, password_hash) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING id, email, name',
      [email, match.name, match.password_hash],
    );
    await this.db.query('DELETE FROM pending_signups WHERE email = $1', [email]);
    if (!rows[0]) {
      this.event('register', 'conflict');
      throw refused(
        'unauthenticated',
        'the code or password is wrong, or the code has expired; sign up again for a new code',
      );
    }
    this.event('register', 'success');
    return { token: await this.issue(rows[0].id), student: rows[0], device: this.tokens.signDevice(email) };
  }

  async login(
    email: string,
    password: string,
    address: string,
    devices: readonly string[] = [],
  ): Promise<SignedIn> {
    // A browser that logged in to this account before (its device token) is not held by the lock
    // on the account as a whole: attackers elsewhere can fill that one, and it must not keep the
    // owner out. Its own guesses stay counted by account and address.
    const knownDevice =
      this.deviceTokenDays > 0 &&
      devices.some((d) => this.tokens.verifyDevice(d, email, this.deviceTokenDays));
    try {
      await this.limits.take('login_address', address);
      await this.limits.take('login_account_address', `${email}\u0000${address}`);
      if (!knownDevice) await this.limits.take('login_account', email);
    } catch (error) {
      this.event('login', 'locked');
      throw error;
    }
    const [row] = await this.db.query<Student & { password_hash: string }>(
      'SELECT id, email, name, password_hash FROM students WHERE email = $1',
      [email],
    );
    // One scrypt check either way: an unknown email takes as long as a wrong password.
    const matches = await verifyPassword(password, row?.password_hash ?? (await DUMMY_HASH_PROMISE));
    if (!row || !matches) {
      this.event('login', 'failure');
      throw refused('unauthenticated', WRONG);
    }
    await this.limits.reset('login_account_address', `${email}\u0000${address}`);
    await this.db.query('UPDATE students SET last_seen_at = now() WHERE id = $1', [row.id]);
    this.event('login', 'success');
    return {
      token: await this.issue(row.id),
      student: { id: row.id, email: row.email, name: row.name },
      device: this.tokens.signDevice(email),
    };
  }

  /** Revokes the session a bearer token stands for (nothing when it stands for none). */
  async logout(token: string | undefined) {
    const sessionId = this.tokens.verify(token ?? '');
    if (sessionId)
      await this.db.query('UPDATE auth_sessions SET revoked_at = now() WHERE id = $1', [sessionId]);
    this.event('logout', 'success');
  }

  /** The student a bearer token belongs to; unauthenticated when missing, forged, expired or revoked. */
  async authenticate(token: string | undefined): Promise<Student> {
    if (!token) throw refused('unauthenticated', 'sign in first (Authorization: Bearer <token>)');
    const sessionId = this.tokens.verify(token);
    if (!sessionId || !/^[0-9a-f-]{36}$/.test(sessionId))
      throw refused('unauthenticated', 'the token is not valid; sign in again');
    const [student] = await this.db.query<Student>(
      `SELECT s.id, s.email, s.name, s.synthetic FROM auth_sessions a JOIN students s ON s.id = a.student_id
       WHERE a.id = $1 AND a.revoked_at IS NULL AND a.expires_at > now()`,
      [sessionId],
    );
    if (!student) throw refused('unauthenticated', 'the token has expired or was signed out; sign in again');
    return student;
  }

  private async issue(studentId: string): Promise<string> {
    const [row] = await this.db.query<{ id: string }>(
      `INSERT INTO auth_sessions (student_id, expires_at) VALUES ($1, now() + $2::float8 * interval '1 hour') RETURNING id`,
      [studentId, this.tokenTtlHours],
    );
    return this.tokens.sign(row!.id);
  }
}
