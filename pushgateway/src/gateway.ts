import { once } from 'node:events';
import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import type { Logger } from '@brainbytes/telemetry';
import { close, listen, send, sendJson, serve } from '@brainbytes/telemetry/http-server';
import type { GatewayConfig } from './config';
import { metricsApiJson } from './http/api-v1';
import { Authenticator, type Role } from './http/auth';
import { readBody } from './http/body';
import { parseGroupingKey } from './http/grouping-key';
import { asHttpError, HttpError, httpErrorOf } from './http/http-error';
import { FilePersistence } from './persistence/file-persistence';
import { MemoryPersistence } from './persistence/memory-persistence';
import type { Persistence } from './persistence/persistence';
import { RedisPersistence } from './persistence/redis-persistence';
import { createSelfMetrics, type PushOutcome, reservedNames } from './self-metrics';
import { MetricStore } from './store/metric-store';
import { StoreRenderer } from './store/render';
import type { Operation } from './store/types';

const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';
const SCRAPE_BATCH_CHARS = 256 * 1024;
const PUSH_ID = /^[\x21-\x7e]{1,128}$/;

export interface Gateway {
  server: http.Server;
  store: MetricStore;
  persistence: Persistence;
  /** Listens on the configured host and port; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
}

export async function createGateway(config: GatewayConfig, logger: Logger): Promise<Gateway> {
  let store!: MetricStore;
  const metrics = createSelfMetrics(() => store, config.persistence);
  store = new MetricStore(
    {
      groupTtlMs: config.groupTtlMs,
      deltaTtlMs: config.deltaTtlMs,
      maxSeries: config.maxSeries,
      maxBytes: config.maxBytes,
      maxGroups: config.maxGroups,
      pushIdWindow: config.pushIdWindow,
      pushIdMaxAgeMs: config.pushIdTtlMs,
      reservedNames: reservedNames(metrics.registry),
      parseLimits: {
        maxSamples: config.maxSeriesPerPush,
        maxLabelNameLength: config.maxLabelNameLength,
        maxLabelValueLength: config.maxLabelValueLength,
      },
    },
    { onExpired: (group) => metrics.expired.inc({ mode: group.delta ? 'delta' : 'ordinary' }) },
  );
  const observer = {
    onWrite: (operation: string, seconds: number) =>
      metrics.persistenceSeconds.observe({ operation }, seconds),
    onError: (operation: string, error: unknown) => {
      metrics.persistenceErrors.inc({ operation });
      logger.error('persistence failed', { operation, error });
    },
  };
  const persistence: Persistence =
    config.persistence === 'file'
      ? new FilePersistence(
          store,
          {
            dir: config.dataDir,
            maxLogBytes: config.maxLogBytes,
            snapshotIntervalMs: config.snapshotIntervalMs,
          },
          observer,
        )
      : config.persistence === 'redis'
        ? new RedisPersistence(
            store,
            {
              url: config.redisUrl!,
              prefix: config.redisPrefix,
              snapshotIntervalMs: config.snapshotIntervalMs,
            },
            observer,
            logger,
          )
        : new MemoryPersistence(store);
  await persistence.open();
  const renderer = new StoreRenderer(store);
  const auth = new Authenticator(config.credentials);
  const startTime = new Date().toISOString();

  const expiryTimer = setInterval(() => store.expire(Date.now()), 1000).unref();

  async function handlePush(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method as 'PUT' | 'POST' | 'DELETE';
    const mode = String(req.headers['x-push-mode'] ?? 'ordinary').toLowerCase();
    let outcome: PushOutcome = 'error';
    const started = performance.now();
    try {
      auth.authorize(req, 'push');
      if (mode !== 'ordinary' && mode !== 'delta') {
        throw new HttpError(400, `X-Push-Mode "${mode}" is not supported; use "delta" or leave it out`);
      }
      const delta = mode === 'delta' && method !== 'DELETE';
      if (delta && method !== 'POST')
        throw new HttpError(400, 'delta pushes must use POST: PUT would replace the group');
      const pushId = req.headers['x-push-id'] as string | undefined;
      if (pushId !== undefined && !PUSH_ID.test(pushId)) {
        throw new HttpError(400, 'X-Push-Id must be 1 to 128 printable ASCII characters');
      }
      const group = parseGroupingKey(path, config);
      const time = Date.now();
      if (method === 'DELETE') {
        req.resume();
        await persistence.submit({ kind: 'delete', group, time });
        outcome = 'accepted';
        return send(res, 202, '');
      }
      const contentType = String(req.headers['content-type'] ?? '');
      if (contentType.includes('protobuf')) {
        throw new HttpError(415, 'protobuf pushes are not supported; send the text exposition format 0.0.4');
      }
      const body = await readBody(req, config.maxBodyBytes);
      const parsed = store.parse(body);
      const op: Operation = { kind: 'push', method, delta, group, body, time, ...(pushId ? { pushId } : {}) };
      const result = await persistence.submit(op, parsed);
      if (result.outcome === 'refused') {
        logger.debug('push refused', { reason: result.refusal.reason, message: result.refusal.message });
        throw httpErrorOf(result.refusal);
      }
      if (result.outcome === 'unavailable') throw new HttpError(503, result.message);
      if (result.outcome === 'failed') throw new HttpError(500, result.message);
      outcome = result.outcome === 'duplicate' ? 'duplicate' : 'accepted';
      metrics.pushDuration.observe(
        { mode: delta ? 'delta' : 'ordinary' },
        (performance.now() - started) / 1000,
      );
      return send(res, 200, '');
    } catch (error) {
      const answer = asHttpError(error);
      if (!answer) throw error;
      outcome = statusOutcome(answer.status);
      metrics.refusals.inc({ reason: answer.reason });
      throw answer;
    } finally {
      metrics.pushes.inc({ method, mode: mode === 'delta' ? 'delta' : 'ordinary', outcome });
    }
  }

  async function handleScrape(req: IncomingMessage, res: ServerResponse) {
    await persistence.sync();
    store.expire(Date.now());
    const chunks = renderer.render();
    chunks.push(await metrics.registry.metrics());
    const gzipped = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    res.writeHead(200, { 'Content-Type': EXPOSITION, ...(gzipped ? { 'Content-Encoding': 'gzip' } : {}) });
    const out = gzipped ? zlib.createGzip({ level: 1 }) : res;
    if (gzipped) out.pipe(res);
    const closed = new Promise((resolve) => res.once('close', resolve));
    // Batches of about 256 KiB: a large scrape is never held in memory as one string or buffer.
    let batch: string[] = [];
    let size = 0;
    for (let i = 0; i <= chunks.length; i++) {
      const chunk = chunks[i];
      if (chunk !== undefined) {
        batch.push(chunk);
        size += chunk.length;
      }
      if (size < SCRAPE_BATCH_CHARS && chunk !== undefined) continue;
      if (!out.write(batch.join(''))) await Promise.race([once(out, 'drain'), closed]);
      if (res.destroyed) return void out.destroy(); // the scraper went away
      batch = [];
      size = 0;
    }
    out.end();
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]!;
    const allow = (role: Role) => auth.authorize(req, role);
    if (path.startsWith('/metrics/')) {
      if (req.method !== 'PUT' && req.method !== 'POST' && req.method !== 'DELETE') {
        throw new HttpError(405, `${req.method} is not allowed on a group; use PUT, POST or DELETE`);
      }
      return handlePush(req, res, path.slice('/metrics/'.length));
    }
    const key = `${req.method} ${path}`;
    switch (key) {
      case 'GET /-/healthy':
      case 'GET /-/ready':
        return send(res, 200, 'OK\n');
      case 'GET /metrics':
        allow('scrape');
        return handleScrape(req, res);
      case 'GET /api/v1/metrics':
        allow('scrape');
        await persistence.sync();
        store.expire(Date.now());
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

  const server = serve(route, { logger, realm: 'pushgateway', answerOf: asHttpError });

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

function statusOutcome(status: number): PushOutcome {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 413) return 'too_large';
  return status >= 500 ? 'error' : 'invalid';
}
