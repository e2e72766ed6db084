import { loadApiConfig } from '../api/config';
import type { Database } from '../api/db/database';
import { openDatabase } from '../api/db/open';
import { collectBusinessMetrics } from '../jobs/business-metrics';
import { lambdaRuntime } from './runtime';

const runtime = lambdaRuntime('job');
let db: Promise<Database> | undefined;

/** Every 5 minutes (EventBridge schedule): the business metrics from the database, pushed as gauges. */
export const handler = runtime.wrap(async () => {
  db ??= openDatabase(loadApiConfig());
  await collectBusinessMetrics(await db, runtime.metrics);
  return { ok: true };
});
