/** Why a push was refused, for `pushgateway_push_refusals_total{reason}`: each limit has its own. */
export type RefusalReason =
  | 'body_size'
  | 'byte_budget'
  | 'series'
  | 'series_per_push'
  | 'groups'
  | 'label_length'
  | 'name_length'
  | 'help_length'
  | 'push_id_reused'
  | 'unauthorized'
  | 'invalid';

/** The official gateway's words for a push at odds with itself or with what is stored. */
export const INCONSISTENT = 'pushed metrics are invalid or inconsistent with existing metrics';

/**
 * What the parser and the store throw when they will not take a push: the reason and a message
 * naming the limit or the clash, never an HTTP status (the gateway maps reasons to statuses).
 */
export class PushRefused extends Error {
  override name = 'PushRefused';
  constructor(
    readonly reason: RefusalReason,
    message: string,
    /** At odds with the stored metrics (the group's push_failure_time_seconds is set). */
    readonly inconsistent = false,
  ) {
    super(message);
  }
}

/** A push whose metrics contradict themselves or what other groups hold. */
export const inconsistentPush = (why: string) => new PushRefused('invalid', `${INCONSISTENT}: ${why}`, true);

/** Content the format does not allow. */
export const invalidPush = (message: string, reason: RefusalReason = 'invalid') =>
  new PushRefused(reason, message);
