import { createAppMetrics } from '@brainbytes/telemetry/metrics';
import { configOrExit, createLogger, onStopSignal, redact } from '@brainbytes/telemetry/service';
import { Registry } from 'prom-client';
import { startPushing } from '../push';
import { createAiApp } from './app';
import { loadAiConfig } from './config';
import { Tutor } from './tutor';

function main() {
  const config = configOrExit('ai', () => loadAiConfig());
  const logger = createLogger(config.logLevel);
  const registry = new Registry();
  const metrics = createAppMetrics(registry);
  const tutor = new Tutor(config, metrics, logger);
  startPushing(registry, 'brainbytes-ai', config);
  const { host } = config;
  const server = createAiApp(tutor, logger).listen(config.port, host, () => {
    logger.info('AI tutor listening', {
      url: `http://${host}:${config.port}`,
      provider: config.apiKey ? `${config.provider} (${config.model})` : 'offline tutor (no OPENAI_API_KEY)',
      pushgateway: config.pushgatewayUrl ? redact(config.pushgatewayUrl) : 'off (no PUSHGATEWAY_URL)',
    });
  });
  // Exits itself once closed: ending by an empty event loop, a SIGTERM arriving mid-exit (sent to
  // the whole dyno, and by web.mjs) found Node's handlers gone and ended it by the signal.
  onStopSignal(() => server.close(() => process.exit(0)), ['SIGTERM']);
}

main();
