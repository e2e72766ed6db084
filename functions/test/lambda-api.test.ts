import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InProcessGateway, startInProcess } from '@brainbytes/pushgateway/in-process';
import { scrape } from '@brainbytes/testkit/exposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** An API Gateway HTTP API (payload 2.0) event, as AWS sends it to the api function. */
function httpApiEvent(method: string, path: string, body?: unknown) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Mozilla/5.0 (Linux; Android 13; SM-A146P) Mobile Safari/537.36',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.5', userAgent: 'phone' },
      requestId: `r-${Math.random()}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/**
 * The api function's own handler (serverless-http in front of the Express app), invoked as
 * Lambda invokes it, pushing to a real gateway before it returns.
 */
describe('the api Lambda handler, through serverless-http', () => {
  let gateway: InProcessGateway;
  let handler: (event: object, context: object) => Promise<{ statusCode: number; body: string }>;

  beforeAll(async () => {
    gateway = await startInProcess();
    Object.assign(process.env, {
      IS_OFFLINE: 'true', // secrets from the environment, not SSM
      PGLITE_DIR: mkdtempSync(join(tmpdir(), 'lambda-api-')),
      AI_FUNCTION_NAME: 'brainbytes-test-ai',
      AUTH_SECRET: 'lambda-test-secret-0123456789abcdefghijklmnop',
      PUSHGATEWAY_URL: gateway.url,
      BRAINBYTES_ENVIRONMENT: 'production',
    });
    ({ handler } = (await import('../src/lambda/api')) as unknown as { handler: typeof handler });
  });
  afterAll(() => gateway?.close());

  it('counts answered requests as answered, not as connections the student dropped', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/health'],
      ['POST', '/api/auth/register', { email: 'lambda@example.ph', name: 'Lambda', password: 'maganda123' }],
    ] as const) {
      const result = await handler(httpApiEvent(method, path, body), { memoryLimitInMB: 512 });
      expect(result.statusCode, result.body).toBeLessThan(300);
    }
    const s = (await scrape(gateway.url, (name) => name.startsWith('brainbytes_http_requests'))).samples;
    const sum = (prefix: string) =>
      [...s].filter(([key]) => key.startsWith(prefix)).reduce((total, [, value]) => total + value, 0);
    expect(sum('brainbytes_http_requests_total{')).toBe(2);
    expect(sum('brainbytes_http_requests_aborted_total{'), 'every Lambda answer counted as dropped').toBe(0);
  });

  it('counts the bytes a student pays for: status line, headers and body, as handed to API Gateway', async () => {
    const before = (await scrape(gateway.url, (n) => n.startsWith('brainbytes_http_response_size'))).samples;
    const key =
      'brainbytes_http_response_size_bytes_sum{client_type="mobile",environment="production",instance="",job="brainbytes-api",platform="lambda",route="/api/health"}';
    const result = (await handler(httpApiEvent('GET', '/api/health'), { memoryLimitInMB: 512 })) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    const headerBlock = Object.entries(result.headers).reduce(
      (n, [name, value]) => n + Buffer.byteLength(`${name}: ${value}\r\n`),
      Buffer.byteLength('HTTP/1.1 200 OK\r\n\r\n'),
    );
    const after = (await scrape(gateway.url, (n) => n.startsWith('brainbytes_http_response_size'))).samples;
    // Everything returned to API Gateway, plus the Date and Connection lines Node writes and
    // serverless-http leaves out (API Gateway sends its own): within 100 bytes.
    const counted = (after.get(key) ?? 0) - (before.get(key) ?? 0);
    const returned = headerBlock + Buffer.byteLength(result.body);
    expect(counted).toBeGreaterThanOrEqual(returned);
    expect(counted).toBeLessThanOrEqual(returned + 100);
  });
});
