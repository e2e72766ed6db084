import { HttpError as SharedHttpError } from '@brainbytes/telemetry/http-error';

/** Why a push was refused, for `pushgateway_push_refusals_total{reason}`: each limit has its own. */
export type RefusalReason =
  | 'body_size'
  | 'byte_budget'
  | 'series'
  | 'series_per_push'
  | 'groups'
  | 'label_length'
  | 'push_id_reused'
  | 'unauthorized'
  | 'invalid';

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
