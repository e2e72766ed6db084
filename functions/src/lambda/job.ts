import { redact } from '@brainbytes/telemetry';
import { loadApiConfig } from '../api/config';
import type { Database } from '../api/db/database';
import { openDatabase } from '../api/db/open';
import { RateLimits } from '../api/rate-limits';
import { collectBusinessMetrics } from '../jobs/business-metrics';
import { sendMonthlyStatement } from '../jobs/monthly-statement';
import { lambdaRuntime } from './runtime';

const runtime = lambdaRuntime('job');
let db: Promise<Database> | undefined;

/**
 * Every 5 minutes (EventBridge schedule): the business metrics from the database, pushed as
 * gauges; idle rate-limit buckets pruned; last month's statement, once, early on the 1st.
 */
export const handler = runtime.wrap(async () => {
  const config = loadApiConfig();
  db ??= openDatabase(config);
  await collectBusinessMetrics(await db, runtime.metrics);
  await new RateLimits(await db, config.rateLimits).prune(); // idle buckets are full again: forget them
  // A statement that cannot go out yet is retried by the next run; the metrics above are kept.
  const statement = await sendMonthlyStatement(await db, config.statements).catch((error: Error) => {
    console.warn(`monthly statement not sent; the next run tries again: ${redact(String(error))}`);
    return 'not sent' as const;
  });
  return { ok: true, statement };
});
