import { createLogger, redact } from '@brainbytes/telemetry/service';
import { loadApiConfig } from '../api/config';
import { RateLimits } from '../api/rate-limits';
import type { Database } from '../data/database';
import { openDatabase } from '../data/open';
import { collectBusinessMetrics } from '../jobs/business-metrics';
import { sendMonthlyStatement } from '../jobs/monthly-statement';
import { journeyDue, syntheticStudentRun } from '../jobs/synthetic-student';
import { lambdaRuntime } from './runtime';

const runtime = lambdaRuntime('job');
let db: Promise<Database> | undefined;

/** EventBridge's schedule (serverless.yml: rate(5 minutes)). */
const SCHEDULE_MS = 300_000;

/**
 * Every 5 minutes (EventBridge schedule): the business metrics from the database, pushed as
 * gauges; idle rate-limit buckets pruned; last month's statement, once, early on the 1st; and,
 * every SYNTHETIC_INTERVAL_SECONDS, the synthetic student's journey — from outside Heroku, so
 * Heroku's own outage cannot silence it.
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
  const { synthetic } = config;
  const journey =
    synthetic && journeyDue(Date.now(), SCHEDULE_MS, synthetic.intervalMs)
      ? await syntheticStudentRun(await db, synthetic, runtime.metrics, createLogger(config.logLevel))
      : 'off';
  return { ok: true, statement, ...(synthetic ? { journey } : {}) };
});
