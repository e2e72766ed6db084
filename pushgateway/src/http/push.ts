import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@brainbytes/telemetry';
import { send } from '@brainbytes/telemetry/http-server';
import type { GatewayConfig } from '../config';
import type { ParsedPush } from '../exposition/parse';
import { checkProtobufContentType, decodeProtobufPush, isProtobufPush } from '../exposition/protobuf';
import type { Persistence } from '../persistence/persistence';
import type { PushOutcome } from '../self-metrics';
import type { SelfMetrics } from '../state';
import type { MetricStore } from '../store/metric-store';
import type { Operation } from '../store/types';
import type { Authenticator } from './auth';
import { readBody, readBodyBytes } from './body';
import { parseGroupingKey } from './grouping-key';
import { asHttpError, HttpError, httpErrorOf } from './http-error';

const PUSH_ID = /^[\x21-\x7e]{1,128}$/;

export function statusOutcome(status: number): PushOutcome {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 413) return 'too_large';
  return status >= 500 ? 'error' : 'invalid';
}

/** What a push handler works with: the gateway's settings, state, credentials, counters and log. */
export interface PushDependencies {
  config: GatewayConfig;
  store: MetricStore;
  persistence: Persistence;
  auth: Authenticator;
  metrics: SelfMetrics;
  logger: Logger;
}

/**
 * PUT, POST and DELETE on /metrics/job/…: credentials, the push's mode and id, the grouping key,
 * the body within its limit, then the store through persistence; every push counted by outcome
 * and every refusal by reason.
 */
export function pushHandler({ config, store, persistence, auth, metrics, logger }: PushDependencies) {
  return async function handlePush(req: IncomingMessage, res: ServerResponse, path: string) {
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
      const problem = persistence.readyProblem();
      if (problem) throw new HttpError(503, `not accepting pushes: ${problem}`);
      const time = Date.now();
      if (method === 'DELETE') {
        req.resume();
        await persistence.submit({ kind: 'delete', group, time });
        outcome = 'accepted';
        return send(res, 202, '');
      }
      const contentType = String(req.headers['content-type'] ?? '');
      let body: string;
      let decoded: ParsedPush | undefined;
      let native = false;
      if (isProtobufPush(contentType)) {
        // client_golang's and Java's default: decoded into the text the log keeps, and parsed alongside.
        checkProtobufContentType(contentType);
        const push = decodeProtobufPush(
          await readBodyBytes(req, config.maxBodyBytes),
          config.maxBodyBytes,
          store.options.parseLimits,
        );
        body = push.text;
        decoded = push.parsed;
        native = push.native;
      } else body = await readBody(req, config.maxBodyBytes);
      const parsed = decoded ?? store.parse(body, native);
      const op: Operation = {
        kind: 'push',
        method,
        delta,
        group,
        body,
        time,
        ...(native ? { native: true as const } : {}),
        ...(pushId ? { pushId } : {}),
      };
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
  };
}
