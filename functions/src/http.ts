import { HttpError } from '@brainbytes/telemetry/http-error';
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';

/**
 * What the API and the tutor share of HTTP (both Express): bodies parsed with their zod contract,
 * and one error handler at the edge.
 */

export { HttpError };

/** Parses with a zod schema, or throws 400 naming the first bad field. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new HttpError(400, `${issue.path.join('.') || 'body'}: ${issue.message}`);
}

/**
 * Express error handler of the API and the tutor: known errors keep their status (`known` maps
 * others of a service's own, e.g. the tutor's TutorUnavailable to 503); body-parser's become
 * 400/413; the rest 500 without detail.
 */
export function errorHandler(
  onUnexpected: (error: unknown, req: Request) => void,
  maxBody: string,
  known: (error: unknown) => HttpError | undefined = () => undefined,
) {
  return (thrown: unknown, req: Request, res: Response, _next: NextFunction) => {
    const error = known(thrown) ?? thrown;
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
