import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { scrape } from '@brainbytes/testkit/exposition';
import { freePort } from '@brainbytes/testkit/ports';
import { type RunningProcess, startGatewayProcess } from '@brainbytes/testkit/processes';
import { Counter, Histogram, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PushClient, pushBeforeReturn } from '../src/metrics';

const running: RunningProcess[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((gw) => gw.stop('SIGKILL')));
  for (const cleanup of cleanups.splice(0)) cleanup();
});
const gateway = async (env: Record<string, string> = {}, port?: number) => {
  const gw = await startGatewayProcess({ PUSHGATEWAY_PERSISTENCE: 'memory', ...env }, port);
  running.push(gw);
  return gw;
};

/** One simulated function instance: its own registry and push client, as each Lambda container has. */
function instance(url: string, timeoutMs = 2000) {
  const registry = new Registry();
  const questions = new Counter({
    name: 'brainbytes_questions_total',
    help: 'q',
    labelNames: ['subject'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'answer_seconds',
    help: 'a',
    buckets: [0.1, 1],
    registers: [registry],
  });
  const errors: string[] = [];
  const client = new PushClient({
    url,
    registry,
    job: 'brainbytes-api',
    groupings: { environment: 'development', platform: 'lambda' },
    timeoutMs,
    onError: (m) => errors.push(m),
  });
  return { registry, questions, latency, client, errors };
}

const QUESTIONS =
  'brainbytes_questions_total{environment="development",instance="",job="brainbytes-api",platform="lambda",subject="math"}';

describe('PushClient against the real gateway', () => {
  it('20 concurrent instances × 500 increments each arrive as exact totals', async () => {
    const gw = await gateway();
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const fn = instance(gw.url);
        for (let i = 1; i <= 500; i++) {
          fn.questions.inc({ subject: 'math' });
          fn.latency.observe(i % 2 ? 0.05 : 0.5);
          if (i % 100 === 0) expect((await fn.client.flush()).ok).toBe(true);
        }
      }),
    );
    const { samples } = await scrape(gw.url);
    expect(samples.get(QUESTIONS)).toBe(10_000);
    const labels = 'environment="development",instance="",job="brainbytes-api",platform="lambda"';
    const bucket = 'environment="development",instance="",job="brainbytes-api",le="0.1",platform="lambda"';
    expect(samples.get(`answer_seconds_bucket{${bucket}}`)).toBe(5000);
    expect(samples.get(`answer_seconds_count{${labels}}`)).toBe(10_000);
  });

  it('delivers every increment made while the gateway was down once it is back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tel-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const env = { PUSHGATEWAY_PERSISTENCE: 'file', PUSHGATEWAY_DATA_DIR: dir };
    const port = await freePort();
    const gw = await gateway(env, port);
    const fn = instance(gw.url, 300);
    fn.questions.inc({ subject: 'math' }, 5);
    expect((await fn.client.flush()).ok).toBe(true);
    await gw.stop('SIGKILL');
    for (let i = 0; i < 3; i++) {
      fn.questions.inc({ subject: 'math' }, 10);
      expect((await fn.client.flush()).ok).toBe(false);
    }
    expect(fn.errors.join('\n')).toMatch(/kept for the next push/);
    const back = await gateway(env, port);
    expect((await fn.client.flush()).ok).toBe(true);
    expect((await scrape(back.url)).samples.get(QUESTIONS)).toBe(35);
  });

  it('never double counts when a push is applied but its answer is lost', async () => {
    const gw = await gateway();
    const target = new URL(gw.url);
    let dropAnswers = 3;
    // Forwards each push to the gateway, then hangs up on the client instead of answering.
    const proxy = http.createServer((req, res) => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          if (dropAnswers-- > 0) {
            answer.resume();
            answer.on('end', () => req.socket.destroy());
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => proxy.close());
    const fn = instance(`http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`);
    fn.questions.inc({ subject: 'math' }, 7);
    expect((await fn.client.flush()).ok).toBe(true);
    fn.questions.inc({ subject: 'math' }, 1);
    expect((await fn.client.flush()).ok).toBe(true);
    expect(dropAnswers).toBeLessThan(0);
    expect((await scrape(gw.url)).samples.get(QUESTIONS)).toBe(8);
  });

  it('a hung gateway delays a Lambda handler by at most the bound, and the handler still answers', async () => {
    const sockets: net.Socket[] = [];
    const hung = net.createServer((socket) => sockets.push(socket)); // accepts, never answers
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      hung.close();
    });
    const fn = instance(`http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`, 300);
    const handler = pushBeforeReturn(fn.client, async (event: { question: string }) => {
      fn.questions.inc({ subject: 'math' });
      return { statusCode: 200, body: `answer to ${event.question}` };
    });
    const started = performance.now();
    const result = await handler({ question: '2+2' });
    const elapsed = performance.now() - started;
    expect(result).toEqual({ statusCode: 200, body: 'answer to 2+2' });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(300 + 250);
  });

  it('never throws, even for a gateway that cannot be reached, and counts pushes the gateway refuses', async () => {
    const gw = await gateway({ PUSHGATEWAY_HOST: '127.0.0.1', PUSHGATEWAY_PUSH_CREDENTIALS: 'fn:secret' });
    const unreachable = instance('http://127.0.0.1:1', 200);
    unreachable.questions.inc({ subject: 'math' });
    await expect(unreachable.client.flush()).resolves.toEqual({ pushed: 0, ok: false });

    const wrong = instance(gw.url.replace('http://', 'http://fn:pa55-incorrect@'));
    wrong.questions.inc({ subject: 'math' }, 4);
    expect((await wrong.client.flush()).ok).toBe(false);
    const dropped = await wrong.registry
      .getSingleMetric('brainbytes_push_client_dropped_samples_total')!
      .get();
    expect(dropped.values).toEqual([expect.objectContaining({ labels: { reason: 'http_401' }, value: 1 })]);
    expect(wrong.errors.join('\n')).toMatch(/refused a metrics push \(401\)/);
    expect(wrong.errors.join('\n')).not.toContain('pa55-incorrect');

    const right = instance(gw.url.replace('http://', 'http://fn:secret@'));
    right.questions.inc({ subject: 'math' }, 2);
    expect((await right.client.flush()).ok).toBe(true);
  });
});
