import { configOrExit, createLogger, onStopSignal, redact } from '@brainbytes/telemetry/service';
import { loadConfig } from './config';
import { createExporter } from './exporter';

async function main() {
  const config = configOrExit('heroku-exporter', () => loadConfig());
  const logger = createLogger(config.logLevel);
  const exporter = createExporter(config, logger);
  const address = await exporter.listen();
  logger.info('heroku exporter listening', {
    url: `http://${address.address}:${address.port}`,
    platformApi: config.apiToken ? config.apiUrl : 'off (no HEROKU_API_TOKEN): log drain receiver only',
    apps: config.apps.length ? config.apps : 'every app the token sees',
  });
  if (!config.drainCredentials) {
    logger.warn('HEROKU_DRAIN_CREDENTIALS is not set: anyone who can reach /drain can post logs');
  }
  onStopSignal(async (signal) => {
    logger.info('shutting down', { signal });
    await exporter.close();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `heroku-exporter failed to start: ${redact(String((error as Error).stack ?? error))}\n`,
  );
  process.exit(1);
});
