/**
 * What the services and stores refuse, in the domain's words: the kind of refusal, a message safe
 * to show the student, and what a client may act on. Never an HTTP status: the apps' one table
 * (http.ts) chooses that at the edge.
 */
export type Refusal =
  /** The request's content is wrong (a field, a batch). */
  | 'invalid'
  /** No one (or no longer anyone) is signed in. */
  | 'unauthenticated'
  | 'not_found'
  /** At odds with what is stored (an ended session, an account that exists, a write in progress). */
  | 'conflict'
  /** An idempotency key reused for another request. */
  | 'key_reused'
  | 'too_large'
  /** A rate limit or the spend ceiling: try again later. */
  | 'limited'
  /** Something we depend on (the tutor, the mail) cannot be reached just now. */
  | 'unavailable'
  /** Something we depend on took longer than we may wait. */
  | 'timed_out';

/** Fields a refusal may add to its answer, for a client to act on; never secrets. */
export interface RefusalDetails {
  code?: string;
  retryAfterSeconds?: number;
  limit?: string;
}

export class Refused extends Error {
  override name = 'Refused';
  constructor(
    readonly kind: Refusal,
    message: string,
    readonly details: RefusalDetails = {},
  ) {
    super(message);
  }
}

export const refused = (kind: Refusal, message: string, details?: RefusalDetails) =>
  new Refused(kind, message, details);
