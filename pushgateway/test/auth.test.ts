import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { type InProcessGateway, startInProcess } from '../src/in-process';
import { request } from './helpers/http';

const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const PUSHER = basic('fn', 'push-secret');
const SCRAPER = basic('prom', 'scrape:secret');
const ADMIN = basic('ops', 'admin-secret');

describe('auth', () => {
  let gw: InProcessGateway;
  beforeAll(async () => {
    gw = await startInProcess({
      PUSHGATEWAY_HOST: '127.0.0.1',
      PUSHGATEWAY_PUSH_CREDENTIALS: 'fn:push-secret,fn2:other-secret',
      PUSHGATEWAY_SCRAPE_CREDENTIALS: 'prom:scrape:secret',
      PUSHGATEWAY_ADMIN_CREDENTIALS: 'ops:admin-secret',
      PUSHGATEWAY_REQUEST_TIMEOUT: '1s',
    });
  });
  afterAll(async () => gw.close());

  const push = (headers: Record<string, string>) =>
    request(gw.url, { method: 'PUT', path: '/metrics/job/a', body: 'x 1\n', headers });
  const scrapeWith = (headers: Record<string, string>) =>
    request(gw.url, { method: 'GET', path: '/metrics', headers });

  it('closes an unauthenticated slow upload after PUSHGATEWAY_REQUEST_TIMEOUT (it held a connection 5.5 min)', async () => {
    const { connect } = await import('node:net');
    const socket = connect(Number(new URL(gw.url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d;
    });
    const started = Date.now();
    socket.write('PUT /metrics/job/a HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nx 1\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 401/); // answered at once, the connection cut at the timeout
    expect(Date.now() - started).toBeLessThan(3500);
  });

  it('answers 401 with a Basic challenge without credentials, and stores nothing', async () => {
    const reply = await push({});
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Basic realm="pushgateway"');
    expect((await scrapeWith(SCRAPER)).body).not.toContain('x{');
  });

  it('answers 401 to a wrong password and to an unknown user', async () => {
    expect((await push(basic('fn', 'push-secreT'))).status).toBe(401);
    expect((await push(basic('nobody', 'push-secret'))).status).toBe(401);
  });

  it('answers 403 when the credentials belong to another role', async () => {
    expect((await push(SCRAPER)).status).toBe(403);
    expect((await scrapeWith(PUSHER)).status).toBe(403);
    expect(
      (await request(gw.url, { method: 'PUT', path: '/api/v1/admin/wipe', headers: PUSHER })).status,
    ).toBe(403);
  });

  it('lets each role do its own work, and admin everything', async () => {
    expect((await push(PUSHER)).status).toBe(200);
    expect((await push(basic('fn2', 'other-secret'))).status).toBe(200);
    const scraped = await scrapeWith(SCRAPER);
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('x{instance="",job="a"} 1');
    expect((await push(ADMIN)).status).toBe(200);
    expect((await scrapeWith(ADMIN)).status).toBe(200);
    expect((await request(gw.url, { method: 'GET', path: '/api/v1/metrics', headers: SCRAPER })).status).toBe(
      200,
    );
    expect(
      (await request(gw.url, { method: 'PUT', path: '/api/v1/admin/wipe', headers: ADMIN })).status,
    ).toBe(202);
  });

  it('keeps the health endpoints open', async () => {
    expect((await request(gw.url, { method: 'GET', path: '/-/healthy' })).status).toBe(200);
    expect((await request(gw.url, { method: 'GET', path: '/-/ready' })).status).toBe(200);
  });

  it('never writes a secret to its logs or metrics', async () => {
    await push(basic('fn', 'wrong-secret'));
    const metrics = (await scrapeWith(ADMIN)).body;
    for (const secret of ['push-secret', 'scrape:secret', 'admin-secret', 'wrong-secret', 'other-secret']) {
      expect(gw.logs.join('')).not.toContain(secret);
      expect(metrics).not.toContain(secret);
    }
  });
});

describe('binding without credentials', () => {
  it('binds loopback by default and refuses a public address without credentials', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(() => loadConfig({ PUSHGATEWAY_HOST: '0.0.0.0' })).toThrow(/PUSHGATEWAY_PUSH_CREDENTIALS/);
    expect(loadConfig({ PUSHGATEWAY_ADMIN_CREDENTIALS: 'a:b' }).host).toBe('0.0.0.0');
  });
});
