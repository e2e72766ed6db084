import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppMetrics } from './app-metrics';
import { clientTypeOf } from './client-type';

/** What the middleware reads of an Express request: the matched route template, once routing ran. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/**
 * Express middleware for the required HTTP metrics: requests and duration by route *template*
 * (`/api/sessions/:id`, never the raw path; `unmatched` for routes that do not exist), status and
 * client type; response bytes on the wire (the data students pay for); and requests the client abandoned.
 */
export function httpMetrics(metrics: AppMetrics) {
  return function recordHttpMetrics(req: RoutedRequest, res: ServerResponse, next: () => void) {
    const started = performance.now();
    // Bytes on the wire, headers included (they cost data too), without wrapping write/end:
    // the socket's counter before and after this response (one response at a time per connection).
    const socket = res.socket; // Node detaches it from the response once the response is done
    const socketBytesBefore = socket?.bytesWritten ?? 0;
    // On Lambda, serverless-http gives the response a stand-in socket with no byte counter: count
    // what Node writes to it (the status line, headers and body it hands back to API Gateway).
    let written: number | undefined;
    if (socket && typeof socket.bytesWritten !== 'number') {
      written = 0;
      const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
      socket.write = ((data: string | Uint8Array, ...rest: unknown[]) => {
        written = (written ?? 0) + (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength);
        return write(data, ...rest);
      }) as typeof socket.write;
    }

    const labels = () => {
      const template =
        typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      return { route: template, client_type: clientTypeOf(req.headers['user-agent']) };
    };
    // Whether the response was sent, seen by its own 'finish': `res.writableFinished` also asks the
    // socket, and serverless-http's stand-in socket (Lambda) never says it has drained.
    let sent = false;
    res.once('finish', () => {
      sent = true;
      const { route, client_type } = labels();
      const status_code = String(res.statusCode);
      const method = req.method ?? 'GET';
      metrics.httpRequests.inc({ method, route, status_code, client_type });
      metrics.httpDuration.observe({ method, route, status_code }, (performance.now() - started) / 1000);
      metrics.httpResponseSize.observe(
        { route, client_type },
        written ?? (socket?.bytesWritten ?? socketBytesBefore) - socketBytesBefore,
      );
    });
    res.once('close', () => {
      if (!sent) metrics.httpAborted.inc(labels());
    });
    next();
  };
}
