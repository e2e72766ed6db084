import { createAppMetrics } from '@brainbytes/telemetry/metrics';
import { configOrExit, createLogger, onStopSignal, redact } from '@brainbytes/telemetry/service';
import { KEEP_ALIVE_TIMEOUT_MS } from '@brainbytes/telemetry/service/http-server';
import { Registry } from 'prom-client';
import { httpTutor } from '../ai/client';
import { instrumentDatabase } from '../data/instrumented';
import { migrate } from '../data/migrations';
import { openDatabase } from '../data/open';
import { collectBusinessMetrics } from '../jobs/business-metrics';
import { sendMonthlyStatement } from '../jobs/monthly-statement';
import { syntheticStudentRun } from '../jobs/synthetic-student';
import { startPushing } from '../push';
import { loadApiConfig } from './config';
import { createApi } from './create-api';

async function main() {
  const config = configOrExit('api', () => loadApiConfig());
  const logger = createLogger(config.logLevel);
  const registry = new Registry();
  const metrics = createAppMetrics(registry);
  const db = instrumentDatabase(await openDatabase(config), metrics);
  db.onConnectionError((error) =>
    logger.warn('database dropped an idle connection; the pool replaces it', { error }),
  );
  const applied = await migrate(db);
  if (process.argv.includes('--migrate-only')) {
    logger.info('migrations applied', { applied });
    await db.close();
    return;
  }
  const { app, limits } = createApi({
    config,
    db,
    askTutor: httpTutor(config.aiUrl, config.aiTimeoutMs),
    logger,
    metrics,
  });
  startPushing(registry, 'brainbytes-api', config);
  // Locally the business-metrics job is an interval; on Lambda a schedule, on Heroku the scheduler.
  const business = () =>
    Promise.all([
      collectBusinessMetrics(db, metrics),
      limits.prune(),
      sendMonthlyStatement(db, config.statements).then(
        (result) => {
          if (result === 'sent') logger.info('sent last month’s statement to Alertmanager');
        },
        (error: Error) =>
          logger.warn('monthly statement not sent; the next run tries again', {
            error: redact(String(error)),
          }),
      ),
    ]).catch((error: Error) => logger.warn('business metrics failed', { error: redact(String(error)) }));
  void business();
  setInterval(business, config.businessMetricsIntervalMs).unref();
  // The synthetic student (SYNTHETIC_API_URL): first a minute after start, when the rest is up.
  const { synthetic } = config;
  if (synthetic) {
    const journey = () => void syntheticStudentRun(db, synthetic, metrics, logger);
    setTimeout(
      () => {
        journey();
        setInterval(journey, synthetic.intervalMs).unref();
      },
      Math.min(synthetic.intervalMs, 60_000),
    ).unref();
  }
  const { host } = config;
  const server = app.listen(config.port, host, () =>
    logger.info('API listening', {
      url: `http://${host}:${config.port}`,
      database: db.kind,
      migrationsApplied: applied,
      ai: config.aiUrl,
    }),
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // The requests under way and the metrics' last push finish before the process ends.
  onStopSignal(() => server.close(() => void db.close()), ['SIGTERM']);
}

main().catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${redact(String((error as Error).stack ?? error))}\n`);
  process.exit(1);
});
