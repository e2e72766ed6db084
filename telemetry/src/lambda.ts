import type { PushClient } from './push-client';

/**
 * Wraps a Lambda handler so that its metrics are pushed before it returns: Lambda freezes the
 * process right after, and may never thaw it. The push is bounded by the client's timeout and
 * never turns a good response into an error.
 */
export function pushBeforeReturn<Args extends unknown[], Result>(
  client: PushClient,
  handler: (...args: Args) => Promise<Result>,
): (...args: Args) => Promise<Result> {
  return async function handlerWithMetricsPush(...args: Args): Promise<Result> {
    try {
      return await handler(...args);
    } finally {
      await client.flush();
    }
  };
}
