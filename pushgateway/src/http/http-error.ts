import { HttpError as SharedHttpError } from '@brainbytes/telemetry/service/http-error';
import { StorageUnavailable } from '../persistence/persistence';
import { PushRefused, type RefusalReason } from '../store/refusal';

export type { RefusalReason };

/**
 * The shared HTTP error (@brainbytes/telemetry), with why the gateway refused: each refusal is
 * counted by its reason.
 */
export class HttpError extends SharedHttpError {
  constructor(
    status: number,
    message: string,
    readonly reason: RefusalReason = status === 401 || status === 403 ? 'unauthorized' : 'invalid',
  ) {
    super(status, message);
  }
}

export const badRequest = (message: string, reason?: RefusalReason) => new HttpError(400, message, reason);

/** The status each refusal answers with: a limit 413, a reused push id 409, the rest 400. */
const STATUS: Record<RefusalReason, number> = {
  body_size: 413,
  byte_budget: 413,
  series: 413,
  series_per_push: 413,
  groups: 413,
  label_length: 400,
  name_length: 400,
  help_length: 400,
  push_id_reused: 409,
  unauthorized: 401,
  invalid: 400,
};

/** The store's and the parser's refusal, as the answer to the push. */
export const httpErrorOf = (refusal: PushRefused) =>
  new HttpError(STATUS[refusal.reason], refusal.message, refusal.reason);

/** Any error the gateway knows how to answer, as its HTTP answer; undefined for a fault of ours (500). */
export function asHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof PushRefused) return httpErrorOf(error);
  if (error instanceof StorageUnavailable) return new HttpError(503, error.message);
  return undefined;
}
