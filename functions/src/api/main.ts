import { configOrExit, createAppMetrics, createLogger } from '@brainbytes/telemetry';
import { Registry } from 'prom-client';
import { collectBusinessMetrics } from '../jobs/business-metrics';
import { startPushing } from '../push';
import { httpTutor } from './ai-client';
import { createApiApp } from './app';
import { TokenSigner } from './auth';
import { loadApiConfig } from './config';
import { instrumentDatabase } from './db/instrumented';
import { migrate } from './db/migrations';
import { openDatabase } from './db/open';
import { Learning } from './learning';
import { Students } from './students';

async function main() {
  const config = configOrExit('api', () => loadApiConfig());
  const logger = createLogger('info');
  const registry = new Registry();
  const metrics = createAppMetrics(registry);
  const db = instrumentDatabase(await openDatabase(config), metrics);
  const applied = await migrate(db);
  if (process.argv.includes('--migrate-only')) {
    logger.info('migrations applied', { applied });
    await db.close();
    return;
  }
  const app = createApiApp({
    db,
    students: new Students(db, new TokenSigner(config.authSecret), config.tokenTtlHours, metrics),
    learning: new Learning(db, httpTutor(config.aiUrl, config.aiTimeoutMs), metrics),
    logger,
    metrics,
    trustProxyHops: config.trustProxyHops,
  });
  startPushing(registry, 'brainbytes-api', config);
  // Locally the business-metrics job is an interval; on Lambda a schedule, on Heroku the scheduler.
  const business = () =>
    collectBusinessMetrics(db, metrics).catch((error: Error) =>
      logger.warn('business metrics failed', { error }),
    );
  void business();
  setInterval(business, config.businessMetricsIntervalMs).unref();
  const host = process.env.API_HOST ?? (process.env.DYNO ? '0.0.0.0' : '127.0.0.1');
  const server = app.listen(config.port, host, () =>
    logger.info('API listening', {
      url: `http://${host}:${config.port}`,
      database: db.kind,
      migrationsApplied: applied,
      ai: config.aiUrl,
    }),
  );
  process.once('SIGTERM', () => server.close(() => void db.close()));
}

main().catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
