import { HttpError } from '@brainbytes/telemetry/service/http-error';
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { type Refusal, Refused } from './errors';

/**
 * What the API and the tutor share of HTTP (both Express): bodies parsed with their zod contract,
 * the one table from the domain's refusals to statuses, and one error handler at the edge.
 */

export { HttpError };

/** Every refusal's HTTP status: the only place below the two apps that chooses one. */
export const REFUSAL_STATUS: Readonly<Record<Refusal, number>> = {
  invalid: 400,
  unauthenticated: 401,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  key_reused: 422,
  limited: 429,
  unavailable: 503,
  timed_out: 504,
};

/** A refusal as the HTTP error it is answered with. */
export const httpErrorOf = (error: Refused) =>
  new HttpError(REFUSAL_STATUS[error.kind], error.message, error.details);

/** Parses with a zod schema, or refuses as invalid (400) naming the first bad field. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Refused('invalid', `${issue.path.join('.') || 'body'}: ${issue.message}`);
}

/**
 * Express error handler of the API and the tutor: refusals get their status from the table,
 * HttpErrors keep theirs (`known` maps others of a service's own, e.g. the tutor's
 * TutorUnavailable to 503); body-parser's become 400/413; the rest 500 without detail.
 */
export function errorHandler(
  onUnexpected: (error: unknown, req: Request) => void,
  maxBody: string,
  known: (error: unknown) => HttpError | undefined = () => undefined,
) {
  return (thrown: unknown, req: Request, res: Response, _next: NextFunction) => {
    const error = thrown instanceof Refused ? httpErrorOf(thrown) : (known(thrown) ?? thrown);
    const type = (error as { type?: string }).type;
    const [status, message] =
      error instanceof HttpError
        ? [error.status, error.message]
        : type === 'entity.parse.failed'
          ? [400, 'body is not valid JSON']
          : type === 'entity.too.large'
            ? [413, `body is larger than ${maxBody}`]
            : [500, 'internal error'];
    if (status === 500) onUnexpected(thrown, req);
    if (res.headersSent) return;
    const details = error instanceof HttpError ? error.details : {};
    if (details.retryAfterSeconds !== undefined) res.set('Retry-After', String(details.retryAfterSeconds));
    res.status(status).json({ error: message, ...details });
  };
}
