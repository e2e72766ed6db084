import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DecodeLimits, ResponseType, readProtobufRequest, StatusType } from '../otlp/decode';
import { readJsonRequest } from '../otlp/decode-json';
import { type OtlpOptions, type Translation, translate } from '../otlp/translate';
import type { Persistence } from '../persistence/persistence';
import type { PushOutcome } from '../self-metrics';
import { PushRefused } from '../store/refusal';
import { readBodyBytes } from './body';
import { asHttpError, HttpError, httpErrorOf } from './http-error';
import { type PushDependencies, statusOutcome } from './push';

type Encoding = 'protobuf' | 'json';

function encodingOf(contentType: string): Encoding {
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  throw new HttpError(
    415,
    `OTLP/HTTP takes Content-Type application/x-protobuf or application/json, not "${media || 'none'}"`,
  );
}

/** An OTLP/HTTP answer: the response message (or google.rpc.Status on failure) in the request's encoding. */
function answer(res: ServerResponse, encoding: Encoding, status: number, message: object) {
  const body =
    encoding === 'json'
      ? Buffer.from(JSON.stringify(message))
      : Buffer.from((status === 200 ? ResponseType : StatusType).encode(message).finish());
  res.writeHead(status, {
    'Content-Type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    'Content-Length': body.length,
  });
  res.end(body);
}

/**
 * Decodes and translates a request. Points are decoded lazily, during the translation, so a point
 * whose bytes are broken, or a JSON value of the wrong shape deep inside, surfaces there: whatever
 * fails before anything is stored is the request's fault, a 400, never a 500.
 */
function readRequest(
  body: Buffer,
  encoding: Encoding,
  limits: DecodeLimits,
  options: OtlpOptions,
): Translation {
  try {
    const resources = encoding === 'json' ? readJsonRequest(body, limits) : readProtobufRequest(body, limits);
    return translate(resources, options);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(
      400,
      `body is not a valid OTLP ExportMetricsServiceRequest (${encoding}): ${(error as Error).message}`,
    );
  }
}

/** gRPC codes for the Status body (the spec does not ask clients to read them; they help a person). */
const GRPC_CODES: Record<number, number> = { 401: 16, 403: 7, 413: 8, 429: 8, 503: 14 };
const grpcCode = (status: number) => GRPC_CODES[status] ?? (status >= 500 ? 13 : 3);

/**
 * POST /v1/metrics: OTLP/HTTP metrics, protobuf or JSON, gzip or not, behind the push credentials
 * and the body limit; translated (otlp/translate.ts) into text pushes, each applied like any other
 * push. A push the store refuses rejects its points (200 with partial success); a request that can
 * be retried safely gets 503: each push carries an id derived from the body, so a retried request
 * adds no delta twice.
 */
export function otlpHandler({ config, store, persistence, auth, metrics, logger }: PushDependencies) {
  const count = (delta: boolean, outcome: PushOutcome) =>
    metrics.pushes.inc({ method: 'POST', mode: delta ? 'delta' : 'ordinary', outcome });

  return async function handleOtlp(req: IncomingMessage, res: ServerResponse) {
    const contentType = String(req.headers['content-type'] ?? '');
    const encoding: Encoding = /json/i.test(contentType) ? 'json' : 'protobuf';
    const started = performance.now();
    try {
      auth.authorize(req, 'push');
      encodingOf(contentType);
      const problem = persistence.readyProblem();
      if (problem) throw new HttpError(503, `not accepting pushes: ${problem}`);
      const body = await readBodyBytes(req, config.maxBodyBytes);
      const limits = { maxPoints: config.maxSeriesPerPush, maxAttributes: config.otlpMaxAttributes };
      const translation = readRequest(body, encoding, limits, {
        keepDeltaInstance: config.otlpKeepDeltaInstance,
        maxLabelValueLength: config.maxLabelValueLength,
        parseLimits: store.options.parseLimits,
      });
      const textBytes = translation.pushes.reduce((n, p) => n + Buffer.byteLength(p.text), 0);
      if (textBytes > config.maxBodyBytes)
        throw new HttpError(
          413,
          `the OTLP request translates to ${textBytes} bytes of metrics, more than ${config.maxBodyBytes} (PUSHGATEWAY_MAX_BODY_BYTES)`,
          'body_size',
        );
      const id = createHash('sha256').update(body).digest('base64url').slice(0, 32);
      let rejected = translation.rejected;
      const problems = [...translation.problems];
      let firstRefusal: PushRefused | undefined;
      for (const [i, push] of translation.pushes.entries()) {
        const op = {
          kind: 'push' as const,
          method: 'POST' as const,
          delta: push.delta,
          group: push.group,
          body: push.text,
          time: Date.now(),
          pushId: `otlp:${id}:${i}`,
          ...(push.native ? { native: true as const } : {}),
        };
        let result: Awaited<ReturnType<Persistence['submit']>>;
        try {
          result = await persistence.submit(op, push.parsed ?? store.parse(push.text, push.native));
        } catch (error) {
          if (!(error instanceof PushRefused)) throw error;
          result = { outcome: 'refused', refusal: error };
        }
        if (result.outcome === 'unavailable') throw new HttpError(503, result.message);
        if (result.outcome === 'failed') throw new HttpError(500, result.message);
        if (result.outcome === 'refused') {
          const refused = httpErrorOf(result.refusal);
          metrics.refusals.inc({ reason: refused.reason });
          count(push.delta, refused.status === 413 ? 'too_large' : 'invalid');
          firstRefusal ??= result.refusal;
          rejected += push.points;
          if (problems.length < 5) problems.push(result.refusal.message);
          continue;
        }
        count(push.delta, result.outcome === 'duplicate' ? 'duplicate' : 'accepted');
      }
      metrics.pushDuration.observe({ mode: 'otlp' }, (performance.now() - started) / 1000);
      if (rejected > 0 && rejected >= translation.points) {
        // Nothing was taken: a plain failure, with the store's status where it refused.
        throw firstRefusal ? httpErrorOf(firstRefusal) : new HttpError(400, problems.join('; '));
      }
      if (rejected > 0 || problems.length) {
        logger.debug('OTLP push partly rejected', { rejected, problems });
        return answer(res, encoding, 200, {
          partialSuccess: { rejectedDataPoints: rejected, errorMessage: problems.join('; ') },
        });
      }
      return answer(res, encoding, 200, {});
    } catch (error) {
      const failure = asHttpError(error);
      if (!failure) {
        logger.error('OTLP push failed', { error: String(error) });
        return answer(res, encoding, 500, { code: 13, message: 'internal error; see the gateway log' });
      }
      metrics.refusals.inc({ reason: failure.reason });
      metrics.pushes.inc({ method: 'POST', mode: 'otlp', outcome: statusOutcome(failure.status) });
      if (failure.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="pushgateway"');
      return answer(res, encoding, failure.status, {
        code: grpcCode(failure.status),
        message: failure.message,
      });
    }
  };
}
