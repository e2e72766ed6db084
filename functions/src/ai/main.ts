import { configOrExit, createAppMetrics, createLogger, redact } from '@brainbytes/telemetry';
import { Registry } from 'prom-client';
import { startPushing } from '../push';
import { createAiApp } from './app';
import { loadAiConfig } from './config';
import { Tutor } from './tutor';

function main() {
  const config = configOrExit('ai', () => loadAiConfig());
  const logger = createLogger('info');
  const registry = new Registry();
  const metrics = createAppMetrics(registry);
  const tutor = new Tutor(config, metrics, logger);
  startPushing(registry, 'brainbytes-ai', config);
  // Loopback unless told otherwise: the endpoint spends AI money and has no auth of its own.
  const host = process.env.AI_HOST ?? (process.env.DYNO ? '0.0.0.0' : '127.0.0.1');
  const server = createAiApp(tutor, logger).listen(config.port, host, () => {
    logger.info('AI tutor listening', {
      url: `http://${host}:${config.port}`,
      provider: config.apiKey ? `${config.provider} (${config.model})` : 'offline tutor (no OPENAI_API_KEY)',
      pushgateway: config.pushgatewayUrl ? redact(config.pushgatewayUrl) : 'off (no PUSHGATEWAY_URL)',
    });
  });
  process.once('SIGTERM', () => server.close());
}

main();
