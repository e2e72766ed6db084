import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from './http-error';
import { close, listen, readLimited, send, serve } from './http-server';
import { createLogger } from './logger';

const lines: string[] = [];
const logger = createLogger('info', (line) => lines.push(line));
const servers: Array<ReturnType<typeof serve>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
  lines.length = 0;
});

async function start(route: Parameters<typeof serve>[0], requestTimeoutMs?: number) {
  const server = serve(route, { logger, realm: 'test', requestTimeoutMs });
  servers.push(server);
  const { port } = await listen(server, 0, '127.0.0.1');
  return port;
}

/** A chunked POST (no Content-Length: the limit must hold as the bytes arrive). */
function post(
  port: number,
  bytes: number,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    for (let sent = 0; sent < bytes; sent += 16_384)
      req.write(Buffer.alloc(Math.min(16_384, bytes - sent), 97));
    req.end();
  });
}

describe('the plain HTTP the gateway and the exporter share', () => {
  it('answers 408 and closes a request whose body is not in within the timeout', async () => {
    let routed = 0;
    const port = await start(async (req, res) => {
      routed++;
      await readLimited(req, 10_000, 'TEST_LIMIT');
      send(res, 200, 'ok');
    }, 1000);
    const { connect } = await import('node:net');
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d;
    });
    const started = Date.now();
    // An unauthenticated upload of 1,000 bytes that sends 10 and then waits (slowloris).
    socket.write('POST /drain HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(3500); // Node's default held it 5 minutes
    expect(routed).toBe(1); // the route ran and waited for the body, which never arrived
  });

  it('reads a body within its limit, and past it answers 413 naming the setting', async () => {
    const port = await start(async (req, res) => {
      const body = await readLimited(req, 100_000, 'X_MAX_BODY_BYTES');
      send(res, 200, String(body.length));
    });
    expect(await post(port, 99_000)).toMatchObject({ status: 200, body: '99000' });
    expect(await post(port, 1_000_000)).toMatchObject({
      status: 413,
      body: 'request body is larger than 100000 bytes (X_MAX_BODY_BYTES)',
    });
  });

  it('answers a fault of its own 500 without detail, logs it, and names the realm on a 401', async () => {
    const port = await start(async (req) => {
      if (req.url === '/secret') throw new HttpError(401, 'credentials required');
      throw new Error('database password=hunter2 unreachable');
    });
    const fault = await post(port, 0);
    expect(fault).toMatchObject({ status: 500, body: 'internal error' });
    expect(lines.join('')).toContain('request failed');
    const denied = await new Promise<{ status?: number; realm: unknown }>((resolve) =>
      request({ port, host: '127.0.0.1', path: '/secret' }, (res) => {
        res.resume();
        resolve({ status: res.statusCode, realm: res.headers['www-authenticate'] });
      }).end(),
    );
    expect(denied).toEqual({ status: 401, realm: 'Basic realm="test"' });
  });

  it('closes gracefully: a request in flight is answered, then the port is free', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const port = await start(async (_req, res) => {
      await held;
      send(res, 200, 'finished');
    });
    const answer = fetch(`http://127.0.0.1:${port}/`).then(async (r) => `${r.status} ${await r.text()}`);
    await new Promise((r) => setTimeout(r, 100)); // the request is in flight
    const started = Date.now();
    const closing = close(servers.pop()!, 5_000);
    setTimeout(release, 200);
    await closing;
    expect(Date.now() - started, 'closed once the answer was out, not after the grace').toBeLessThan(4_000);
    expect(await answer).toBe('200 finished');
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('rejects, not crashes, when the port is taken', async () => {
    const port = await start(async (_req, res) => send(res, 200, 'ok'));
    const second = serve(async () => undefined, { logger, realm: 'test' });
    await expect(listen(second, port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
  });
});
