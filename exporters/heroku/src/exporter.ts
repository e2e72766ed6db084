import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, redact } from '@brainbytes/telemetry/service';
import { close, listen, send, serve } from '@brainbytes/telemetry/service/http-server';
import type { ExporterConfig } from './config';
import { openStateStore } from './cost/state-store';
import { HttpError, hasCredentials } from './credentials';
import { DrainIngest } from './drain/ingest';
import { createDrainMetrics, renderDrainMetrics } from './drain/metrics';
import { DrainReceiver } from './drain/receiver';
import { CloudWatchPoller } from './lambda/cloudwatch';
import { registerLambdaMetrics } from './lambda/metrics';
import { PlatformClient } from './platform/client';
import { createPlatformMetrics } from './platform/metrics';
import { PlatformCache, PlatformPoller } from './platform/poller';

export interface Exporter {
  server: http.Server;
  poller: PlatformPoller | undefined;
  cloudWatch: CloudWatchPoller | undefined;
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
}

const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';

/** The exporter: the Platform API poller (when a token is set), the drain receiver and /metrics. */
export function createExporter(config: ExporterConfig, logger: Logger): Exporter {
  const store = openStateStore(config.state, config.stateKey);
  // The Platform API is polled only with a token; its cache is what a scrape reads.
  const cache = config.apiToken ? new PlatformCache() : undefined;
  const cloudWatchConfigured = config.lambdaFunctions.length > 0 && !!config.awsRegion;
  const platform = createPlatformMetrics(cache, { ...config, cloudWatchConfigured }, store, (action, error) =>
    logger.error(`could not ${action} the cost accrual (HEROKU_EXPORTER_STATE, ${store.kind})`, {
      error: redact(String(error)),
    }),
  );
  const poller =
    cache && config.apiToken
      ? new PlatformPoller(
          new PlatformClient({
            baseUrl: config.apiUrl,
            token: config.apiToken,
            timeoutMs: config.requestTimeoutMs,
            backoffBaseMs: config.backoffBaseMs,
            observer: {
              onRequest: (endpoint, code) => platform.apiRequests.inc({ endpoint, code }),
              onError: (endpoint, reason) => platform.apiErrors.inc({ endpoint, reason }),
            },
          }),
          config.apps,
          logger,
          cache,
          platform.onPolled,
        )
      : undefined;
  // Lambda, as CloudWatch sees it: beside the Platform API, one process and one scrape for the platforms.
  const cloudWatch =
    cloudWatchConfigured && config.awsRegion
      ? new CloudWatchPoller(
          CloudWatchPoller.forRegion(config.awsRegion),
          config.lambdaFunctions,
          config.cloudWatchPeriodSeconds,
          config.durationPercentiles,
          logger,
        )
      : undefined;
  if (cloudWatch) registerLambdaMetrics(platform.registry, cloudWatch, config.cloudWatchPeriodSeconds);
  const drainMetrics = createDrainMetrics(config.maxDrainSeries);
  const receiver = new DrainReceiver(
    new DrainIngest(drainMetrics, {
      apps: new Set(config.apps),
      maxApps: 50,
      maxSourcesPerApp: 200,
      maxProcessTypesPerApp: config.maxProcessTypesPerApp,
    }),
    drainMetrics,
    {
      credentials: config.drainCredentials,
      tokens: config.drainTokens,
      maxBodyBytes: config.maxDrainBodyBytes,
    },
  );

  async function route(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://exporter');
    const drain = /^\/drain(?:\/([a-z][a-z0-9-]{1,29}))?\/?$/.exec(url.pathname);
    if (drain && req.method === 'POST') {
      await receiver.receive(req, drain[1] ?? url.searchParams.get('app') ?? 'unknown');
      res.writeHead(204);
      return void res.end();
    }
    if (req.method === 'GET' && url.pathname === '/metrics') {
      if (config.scrapeCredentials && !hasCredentials(req, config.scrapeCredentials)) {
        throw new HttpError(401, 'credentials required (HEROKU_EXPORTER_SCRAPE_CREDENTIALS)');
      }
      const parts = [Buffer.from(await platform.registry.metrics()), ...renderDrainMetrics(drainMetrics)];
      res.writeHead(200, {
        'Content-Type': EXPOSITION,
        'Content-Length': parts.reduce((n, b) => n + b.length, 0),
      });
      res.cork();
      for (const part of parts) res.write(part);
      res.uncork();
      return void res.end();
    }
    if (req.method === 'GET' && (url.pathname === '/-/healthy' || url.pathname === '/-/ready'))
      return send(res, 200, 'OK\n');
    throw new HttpError(
      404,
      `no route for ${req.method} ${url.pathname}; try GET /metrics or POST /drain/<app>`,
    );
  }

  const server = serve(route, { logger, realm: 'heroku-exporter', requestTimeoutMs: config.bodyTimeoutMs });

  return {
    server,
    poller,
    cloudWatch,
    async listen() {
      if (await platform.restoreState())
        logger.info('carrying on from this month’s saved cost accrual', { state: store.kind });
      const address = await listen(server, config.port, config.host);
      poller?.start(config.pollIntervalMs);
      cloudWatch?.start(config.cloudWatchPeriodSeconds * 1000);
      return address;
    },
    async close() {
      await Promise.all([poller?.stop(), cloudWatch?.stop()]);
      await close(server);
      await platform.saveState();
      await store.close();
    },
  };
}
