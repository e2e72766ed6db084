/** Fields an error may add to its answer, for a client to act on; never secrets. */
export interface HttpErrorDetails {
  code?: string;
  retryAfterSeconds?: number;
  limit?: string;
}

/**
 * An error that carries the HTTP status it is answered with; its message is safe to show. The one
 * such type of the gateway, the exporter, the API and the tutor: each maps it to a response at its
 * edge, and anything else is a 500 without detail.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly details: HttpErrorDetails = {},
  ) {
    super(message);
  }
}
