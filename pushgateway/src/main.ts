import { configOrExit, createLogger, onStopSignal, redact } from '@brainbytes/telemetry/service';
import { loadConfig } from './config';
import { createGateway } from './gateway';

async function main() {
  const config = configOrExit('pushgateway', () => loadConfig());
  const logger = createLogger(config.logLevel);
  const gateway = await createGateway(config, logger);
  const address = await gateway.listen();
  const auth =
    config.credentials.push.length + config.credentials.scrape.length + config.credentials.admin.length > 0;
  logger.info('pushgateway listening', {
    url: `http://${address.address}:${address.port}`,
    persistence: config.persistence,
    ...(config.persistence === 'file' ? { dataDir: config.dataDir } : {}),
    groups: gateway.store.groups.size,
  });
  if (!auth) {
    logger.warn(
      'no credentials set: listening on loopback only, anyone on this machine may push and scrape. ' +
        'Set PUSHGATEWAY_PUSH_CREDENTIALS, PUSHGATEWAY_SCRAPE_CREDENTIALS and PUSHGATEWAY_ADMIN_CREDENTIALS to serve others.',
    );
  }
  onStopSignal(async (signal) => {
    logger.info('shutting down', { signal });
    await gateway.close();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`pushgateway failed to start: ${redact(String((error as Error).stack ?? error))}\n`);
  process.exit(1);
});
