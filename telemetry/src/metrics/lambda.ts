import type { PushClient } from './push-client';

/**
 * What each Lambda's REPORT says, as CloudWatch custom metrics: the metric filters of
 * functions/lambda-log-metrics.cjs publish them, the Heroku exporter reads them. Units: ms, ms,
 * MB, count, count. InitDuration exists only for cold starts; Timeouts and OutOfMemory only when
 * they happen.
 */
export const LAMBDA_REPORT_METRICS = {
  billed: 'BilledDuration',
  init: 'InitDuration',
  maxMemory: 'MaxMemoryUsed',
  timeouts: 'Timeouts',
  outOfMemory: 'OutOfMemory',
} as const;

/** The namespace of one function's REPORT metrics (its full name, e.g. brainbytes-prod-api). */
export const lambdaReportNamespace = (functionName: string) => `BrainBytes/Lambda/${functionName}`;

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
