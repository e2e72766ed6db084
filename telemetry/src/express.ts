import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppMetrics } from './app-metrics';
import { clientTypeOf } from './client-type';

/** What the middleware reads of an Express request: the matched route template, once routing ran. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/**
 * Express middleware for the required HTTP metrics: requests and duration by route *template*
 * (`/api/sessions/:id`, never the raw path; `unmatched` for routes that do not exist), status and
 * client type; response bytes (the data students pay for); and requests the client abandoned.
 */
export function httpMetrics(metrics: AppMetrics) {
  return function recordHttpMetrics(req: RoutedRequest, res: ServerResponse, next: () => void) {
    const started = performance.now();
    let bytes = 0;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const count = (chunk: unknown, encoding?: unknown) => {
      if (typeof chunk === 'string')
        bytes += Buffer.byteLength(
          chunk,
          typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
        );
      else if (chunk instanceof Uint8Array) bytes += chunk.length;
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      count(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk !== undefined && typeof chunk !== 'function') count(chunk, rest[0]);
      return end(chunk, ...rest);
    }) as typeof res.end;

    const labels = () => {
      const template =
        typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      return { route: template, client_type: clientTypeOf(req.headers['user-agent']) };
    };
    res.once('finish', () => {
      const { route, client_type } = labels();
      const status_code = String(res.statusCode);
      const method = req.method ?? 'GET';
      metrics.httpRequests.inc({ method, route, status_code, client_type });
      metrics.httpDuration.observe({ method, route, status_code }, (performance.now() - started) / 1000);
      metrics.httpResponseSize.observe({ route, client_type }, bytes);
    });
    res.once('close', () => {
      if (!res.writableFinished) metrics.httpAborted.inc(labels());
    });
    next();
  };
}
