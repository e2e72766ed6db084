import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError } from './http-error';
import type { Logger } from './logger';

/**
 * The plain node:http serving the gateway and the exporter share (the API and the tutor use
 * Express): bodies read within a limit, answers with a length, errors turned into answers, and a
 * listen and close that wait for the socket.
 */

/**
 * Reads at most `limit` bytes of a request body. Past it — declared or as it arrives — a 413 that
 * names the `setting` raising it; the rest is drained, not read into memory, so the answer gets out.
 */
export async function readLimited(
  req: IncomingMessage,
  limit: number,
  setting: string,
  what = 'request body',
): Promise<Buffer> {
  const tooLarge = () => {
    req.resume();
    return new HttpError(413, `${what} is larger than ${limit} bytes (${setting})`);
  };
  if (Number(req.headers['content-length']) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

/** Answers with a body and its length (plain text unless `headers` say otherwise); once only. */
export function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  if (res.headersSent) return void res.end();
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, value: unknown, status = 200) {
  send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json' });
}

/**
 * How long an idle connection is kept: longer than the balancers' idle timeouts in front (Heroku's
 * Router 2.0: 90 s; ALBs: 60 s), so the balancer, never the app, closes an idle connection, and no
 * request it sends meets one the app is closing. (It was 65 s, under Router 2.0's 90 s.)
 */
export const KEEP_ALIVE_TIMEOUT_MS = 95_000;

export interface ServeOptions {
  logger: Logger;
  /** The basic-auth realm a 401 names (WWW-Authenticate). */
  realm: string;
  /** The answer an error stands for; by default an HttpError is its own, anything else a 500. */
  answerOf?: (error: unknown) => HttpError | undefined;
  /**
   * A request (headers and body) not fully received within this time is answered 408 and its
   * connection closed, whether or not it is authenticated: a slow upload cannot hold a connection
   * for Node's default 5 minutes. Keep it well under Heroku's 30 s router timeout.
   */
  requestTimeoutMs?: number;
}

/**
 * A server whose route's errors become answers: an HttpError its status and safe message; anything
 * else is logged and answered 500 without detail (a stack or a secret never reaches a client).
 */
export function serve(
  route: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  {
    logger,
    realm,
    answerOf = (e) => (e instanceof HttpError ? e : undefined),
    requestTimeoutMs = 10_000,
  }: ServeOptions,
): http.Server {
  // Checked every second (Node's default is 30 s), so the timeout cuts when it says.
  const server = http.createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    route(req, res).catch((error: unknown) => {
      const answer = answerOf(error);
      if (!answer) logger.error('request failed', { path: req.url?.split('?')[0], error });
      const status = answer?.status ?? 500;
      if (!req.complete) req.resume();
      send(res, status, answer?.message ?? 'internal error', {
        ...(status === 401 ? { 'WWW-Authenticate': `Basic realm="${realm}"` } : {}),
      });
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = requestTimeoutMs;
  return server;
}

/** Listens and resolves with the bound address, or rejects (a port in use) instead of crashing. */
export async function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/**
 * Shuts down gracefully: stops listening, closes idle keep-alive connections, lets requests in
 * flight finish for up to `graceMs` (a push being written is acknowledged, not cut), then drops
 * what is left. Heroku gives a dyno 30 s after SIGTERM; the default stays well inside it.
 */
export async function close(server: http.Server, graceMs = 5_000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection goes idle once its answer is out: closed then, not at its timeout.
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearInterval(idle);
  clearTimeout(timer);
}
