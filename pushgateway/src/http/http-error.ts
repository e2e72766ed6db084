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

/** An error that carries the HTTP status it should be answered with. Its message is safe to show. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: RefusalReason = status === 401 || status === 403 ? 'unauthorized' : 'invalid',
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, reason?: RefusalReason) => new HttpError(400, message, reason);
