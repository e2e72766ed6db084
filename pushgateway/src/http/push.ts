import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@brainbytes/telemetry/service';
import { send } from '@brainbytes/telemetry/service/http-server';
import type { GatewayConfig } from '../config';
import type { ParsedPush } from '../exposition/parse';
import { checkProtobufContentType, decodeProtobufPush, isProtobufPush } from '../exposition/protobuf';
import type { Persistence } from '../persistence/persistence';
import type { PushOutcome } from '../self-metrics';
import type { SelfMetrics } from '../state';
import type { MetricStore } from '../store/metric-store';
import type { ApplyResult, Operation } from '../store/types';
import type { Authenticator } from './auth';
import { readBody, readBodyBytes } from './body';
import { parseGroupingKey } from './grouping-key';
import { asHttpError, HttpError } from './http-error';

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
 * Counts a push attempt however it ends, and turns whatever refused it into its answer exactly
 * once: a refusal the store returned or the parser threw, a limit, bad credentials. The HttpError
 * it throws is the answer; anything else is a fault of ours (500).
 */
async function counted(
  { metrics, logger }: Pick<PushDependencies, 'metrics' | 'logger'>,
  labels: { method: string; mode: 'delta' | 'ordinary' },
  attempt: () => Promise<PushOutcome>,
): Promise<void> {
  let outcome: PushOutcome = 'error';
  try {
    outcome = await attempt();
  } catch (error) {
    const answer = asHttpError(error);
    if (!answer) throw error;
    outcome = statusOutcome(answer.status);
    metrics.refusals.inc({ reason: answer.reason });
    if (answer.status < 500) logger.debug('push refused', { reason: answer.reason, message: answer.message });
    throw answer;
  } finally {
    metrics.pushes.inc({ ...labels, outcome });
  }
}

/** What a submitted operation came to: its outcome, or the refusal or failure it is answered with. */
function settled(result: ApplyResult): PushOutcome {
  if (result.outcome === 'refused') throw result.refusal;
  if (result.outcome === 'unavailable') throw new HttpError(503, result.message);
  if (result.outcome === 'failed') throw new HttpError(500, result.message);
  return result.outcome === 'duplicate' ? 'duplicate' : 'accepted';
}

/**
 * DELETE on /metrics/job/…: credentials, the grouping key, then the group's removal through
 * persistence (202, also when there was no such group).
 */
export function deleteHandler(deps: PushDependencies) {
  const { config, persistence, auth } = deps;
  return (req: IncomingMessage, res: ServerResponse, path: string) =>
    counted(deps, { method: 'DELETE', mode: 'ordinary' }, async () => {
      auth.authorize(req, 'push');
      const group = parseGroupingKey(path, config);
      const problem = persistence.readyProblem();
      if (problem) throw new HttpError(503, `not accepting pushes: ${problem}`);
      req.resume();
      settled(await persistence.submit({ kind: 'delete', group, time: Date.now() }));
      send(res, 202, '');
      return 'accepted';
    });
}

/**
 * PUT and POST on /metrics/job/…: credentials, the push's mode and id, the grouping key, the body
 * within its limit, then the store through persistence; every push counted by outcome and every
 * refusal by reason.
 */
export function pushHandler(deps: PushDependencies) {
  const { config, store, persistence, metrics, auth } = deps;
  return function handlePush(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method as 'PUT' | 'POST';
    const mode = String(req.headers['x-push-mode'] ?? 'ordinary').toLowerCase();
    const started = performance.now();
    return counted(deps, { method, mode: mode === 'delta' ? 'delta' : 'ordinary' }, async () => {
      auth.authorize(req, 'push');
      if (mode !== 'ordinary' && mode !== 'delta') {
        throw new HttpError(400, `X-Push-Mode "${mode}" is not supported; use "delta" or leave it out`);
      }
      const delta = mode === 'delta';
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
      const outcome = settled(await persistence.submit(op, parsed));
      metrics.pushDuration.observe(
        { mode: delta ? 'delta' : 'ordinary' },
        (performance.now() - started) / 1000,
      );
      send(res, 200, '');
      return outcome;
    });
  };
}
