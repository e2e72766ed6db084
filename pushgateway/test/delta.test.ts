import { scrape } from '@brainbytes/testkit/exposition';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type InProcessGateway, startInProcess } from '../src/in-process';
import { request } from './helpers/http';

const deltaPush = (path: string, body: string, pushId?: string) =>
  ({
    method: 'POST',
    path,
    body,
    headers: { 'X-Push-Mode': 'delta', ...(pushId ? { 'X-Push-Id': pushId } : {}) },
  }) as const;

describe('delta pushes', () => {
  let gw: InProcessGateway;
  beforeEach(async () => {
    gw = await startInProcess();
  });
  afterEach(async () => gw.close());

  it('adds counters from 20 concurrent instances into one exact series', async () => {
    const instances = 20;
    const pushesEach = 25;
    await Promise.all(
      Array.from({ length: instances }, async (_, instance) => {
        for (let i = 0; i < pushesEach; i++) {
          const body = `# TYPE answers_total counter\nanswers_total{subject="math"} ${instance + 1}\n`;
          const reply = await request(
            gw.url,
            deltaPush('/metrics/job/api/platform/lambda', body, `i${instance}-${i}`),
          );
          expect(reply.status).toBe(200);
        }
      }),
    );
    const { samples } = await scrape(gw.url);
    const expected = pushesEach * ((instances * (instances + 1)) / 2);
    expect(samples.get('answers_total{instance="",job="api",platform="lambda",subject="math"}')).toBe(
      expected,
    );
    expect([...samples.keys()].filter((k) => k.startsWith('answers_total'))).toHaveLength(1);
  });

  it('adds histogram buckets, sums and counts; gauges take the pushed value; summaries add sum and count', async () => {
    const body = (n: number) =>
      [
        '# TYPE d_seconds histogram',
        `d_seconds_bucket{le="0.1"} ${n}`,
        `d_seconds_bucket{le="1"} ${2 * n}`,
        `d_seconds_bucket{le="+Inf"} ${3 * n}`,
        `d_seconds_sum ${0.5 * n}`,
        `d_seconds_count ${3 * n}`,
        '# TYPE pool gauge',
        `pool ${n}`,
        '# TYPE s summary',
        `s{quantile="0.5"} ${n}`,
        `s_sum ${n}`,
        `s_count ${n}`,
        '',
      ].join('\n');
    for (const n of [1, 2, 4])
      expect((await request(gw.url, deltaPush('/metrics/job/ai', body(n)))).status).toBe(200);
    const { samples, types } = await scrape(gw.url);
    const at = (k: string) => samples.get(k);
    expect(at('d_seconds_bucket{instance="",job="ai",le="0.1"}')).toBe(7);
    expect(at('d_seconds_bucket{instance="",job="ai",le="1"}')).toBe(14);
    expect(at('d_seconds_bucket{instance="",job="ai",le="Infinity"}')).toBe(21);
    expect(at('d_seconds_sum{instance="",job="ai"}')).toBe(3.5);
    expect(at('d_seconds_count{instance="",job="ai"}')).toBe(21);
    expect(at('pool{instance="",job="ai"}')).toBe(4);
    expect(at('s{instance="",job="ai",quantile="0.5"}')).toBe(4);
    expect(at('s_sum{instance="",job="ai"}')).toBe(7);
    expect(types.get('d_seconds')).toBe('histogram');
  });

  it('applies a push id once, however often it is retried', async () => {
    const push = deltaPush('/metrics/job/api', '# TYPE c_total counter\nc_total 5\n', 'retry-me');
    const replies = await Promise.all([request(gw.url, push), request(gw.url, push), request(gw.url, push)]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    await request(gw.url, push);
    const { samples } = await scrape(gw.url);
    expect(samples.get('c_total{instance="",job="api"}')).toBe(5);
    expect(samples.get('pushgateway_pushes_total{method="POST",mode="delta",outcome="duplicate"}')).toBe(3);
  });

  it('refuses a type that differs from what the group holds, storing nothing of the push', async () => {
    await request(gw.url, deltaPush('/metrics/job/api', '# TYPE c_total counter\nc_total 5\n'));
    const reply = await request(
      gw.url,
      deltaPush('/metrics/job/api', '# TYPE c_total gauge\nc_total 1\nother 1\n'),
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('c_total');
    const { samples } = await scrape(gw.url);
    expect(samples.get('c_total{instance="",job="api"}')).toBe(5);
    expect(samples.has('other{instance="",job="api"}')).toBe(false);
  });

  it('refuses a counter that goes down', async () => {
    const reply = await request(
      gw.url,
      deltaPush('/metrics/job/api', '# TYPE c_total counter\nc_total -1\n'),
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/counter deltas must be finite and >= 0/);
  });

  it('refuses a delta PUT, which would replace the group', async () => {
    const reply = await request(gw.url, { ...deltaPush('/metrics/job/api', 'c 1\n'), method: 'PUT' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/must use POST/);
  });

  it('refuses an unknown push mode and a malformed push id', async () => {
    const mode = await request(gw.url, {
      method: 'POST',
      path: '/metrics/job/a',
      body: 'c 1\n',
      headers: { 'X-Push-Mode': 'sum' },
    });
    expect([mode.status, mode.body]).toEqual([400, expect.stringContaining('X-Push-Mode')]);
    const id = await request(gw.url, deltaPush('/metrics/job/a', 'c 1\n', 'x'.repeat(200)));
    expect([id.status, id.body]).toEqual([400, expect.stringContaining('X-Push-Id')]);
  });
});

// The gateway reads the time from Date.now() when it expires groups (at each scrape): a fake clock
// (Date only; timers and sockets stay real) moves time on without waiting for it.
describe('expiry', () => {
  let gw: InProcessGateway;
  const later = (ms: number) => vi.setSystemTime(Date.now() + ms);
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await gw.close();
  });

  it('drops delta groups after PUSHGATEWAY_DELTA_TTL and keeps ordinary ones by default', async () => {
    gw = await startInProcess({ PUSHGATEWAY_DELTA_TTL: '1s' });
    await request(gw.url, deltaPush('/metrics/job/lambda', '# TYPE c_total counter\nc_total 1\n'));
    await request(gw.url, { method: 'PUT', path: '/metrics/job/batch', body: 'kept 1\n' });
    expect((await scrape(gw.url)).samples.has('c_total{instance="",job="lambda"}')).toBe(true);
    later(999);
    expect((await scrape(gw.url)).samples.has('c_total{instance="",job="lambda"}')).toBe(true);
    later(2);
    const { samples } = await scrape(gw.url);
    expect(samples.has('c_total{instance="",job="lambda"}')).toBe(false);
    expect(samples.has('push_time_seconds{instance="",job="lambda"}')).toBe(false);
    expect(samples.get('kept{instance="",job="batch"}')).toBe(1);
    expect(samples.get('pushgateway_expired_groups_total{mode="delta"}')).toBe(1);
  });

  it('drops ordinary groups after PUSHGATEWAY_GROUP_TTL, and a push in time keeps a group alive', async () => {
    gw = await startInProcess({ PUSHGATEWAY_GROUP_TTL: '1s' });
    await request(gw.url, { method: 'PUT', path: '/metrics/job/stale', body: 'x 1\n' });
    await request(gw.url, { method: 'PUT', path: '/metrics/job/fresh', body: 'y 1\n' });
    later(700);
    await request(gw.url, { method: 'PUT', path: '/metrics/job/fresh', body: 'y 2\n' });
    later(600);
    const { samples } = await scrape(gw.url);
    expect(samples.has('x{instance="",job="stale"}')).toBe(false);
    expect(samples.get('y{instance="",job="fresh"}')).toBe(2);
    expect(samples.get('pushgateway_expired_groups_total{mode="ordinary"}')).toBe(1);
  });
});
