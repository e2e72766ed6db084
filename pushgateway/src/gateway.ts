import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@brainbytes/telemetry/service';
import { close, listen, send, sendJson, serve } from '@brainbytes/telemetry/service/http-server';
import type { GatewayConfig } from './config';
import { metricsApiJson } from './http/api-v1';
import { Authenticator, type Role } from './http/auth';
import { asHttpError, HttpError } from './http/http-error';
import { otlpHandler } from './http/otlp';
import { deleteHandler, pushHandler } from './http/push';
import { scrapeHandler } from './http/scrape';
import type { Persistence } from './persistence/persistence';
import { openState } from './state';
import type { MetricStore } from './store/metric-store';
import { StoreRenderer } from './store/render';

export interface Gateway {
  server: http.Server;
  store: MetricStore;
  persistence: Persistence;
  /** Listens on the configured host and port; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** The gateway: its state (state.ts), the push and scrape handlers (http/), routed behind credentials. */
export async function createGateway(config: GatewayConfig, logger: Logger): Promise<Gateway> {
  const { store, metrics, persistence } = await openState(config, logger);
  const renderer = new StoreRenderer(store);
  const auth = new Authenticator(config.credentials);
  const startTime = new Date().toISOString();

  const expiryTimer = setInterval(() => {
    persistence.expire(Date.now()).catch((error) => logger.warn('expiry failed', { error: String(error) }));
  }, 1000).unref();
  const handlePush = pushHandler({ config, store, persistence, auth, metrics, logger });
  const handleDelete = deleteHandler({ config, store, persistence, auth, metrics, logger });
  const handleOtlp = otlpHandler({ config, store, persistence, auth, metrics, logger });
  const handleScrape = scrapeHandler({ persistence, renderer, metrics });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]!;
    const allow = (role: Role) => auth.authorize(req, role);
    if (path.startsWith('/metrics/')) {
      const groupPath = path.slice('/metrics/'.length);
      if (req.method === 'DELETE') return handleDelete(req, res, groupPath);
      if (req.method !== 'PUT' && req.method !== 'POST') {
        throw new HttpError(405, `${req.method} is not allowed on a group; use PUT, POST or DELETE`);
      }
      return handlePush(req, res, groupPath);
    }
    if (path === '/v1/metrics') {
      if (req.method !== 'POST')
        throw new HttpError(405, `${req.method} is not allowed on /v1/metrics; OTLP/HTTP uses POST`);
      return handleOtlp(req, res);
    }
    const key = `${req.method} ${path}`;
    switch (key) {
      case 'GET /-/healthy':
        return send(res, 200, 'OK\n');
      case 'GET /-/ready': {
        // The router should stop sending this process traffic it cannot make durable.
        const problem = persistence.readyProblem();
        return problem ? send(res, 503, `not ready: ${problem}\n`) : send(res, 200, 'OK\n');
      }
      case 'GET /metrics':
        allow('scrape');
        return handleScrape(req, res);
      case 'GET /api/v1/metrics':
        allow('scrape');
        await persistence.sync();
        await persistence.expire(Date.now());
        return sendJson(res, metricsApiJson(store.groups.values()));
      case 'GET /api/v1/status':
        allow('scrape');
        return sendJson(res, {
          status: 'success',
          data: {
            start_time: startTime,
            persistence: config.persistence,
            group_ttl_ms: config.groupTtlMs,
            delta_ttl_ms: config.deltaTtlMs,
            auth: auth.enabled,
          },
        });
      case 'PUT /api/v1/admin/wipe':
        allow('admin');
        await persistence.submit({ kind: 'wipe', time: Date.now() });
        return send(res, 202, '');
      case 'GET /':
        return send(res, 200, 'BrainBytes Pushgateway: push to /metrics/job/<job>, scrape /metrics.\n');
      default:
        throw new HttpError(404, `no route for ${req.method} ${path}`);
    }
  }

  const server = serve(route, {
    logger,
    realm: 'pushgateway',
    answerOf: asHttpError,
    requestTimeoutMs: config.requestTimeoutMs,
  });

  return {
    server,
    store,
    persistence,
    listen: () => listen(server, config.port, config.host),
    async close() {
      clearInterval(expiryTimer);
      await close(server);
      await persistence.close();
    },
  };
}
