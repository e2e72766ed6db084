import type { AddressInfo } from 'node:net';
import { createAppMetrics } from '@brainbytes/telemetry/metrics';
import { createLogger } from '@brainbytes/telemetry/service';
import { readScrape } from '@brainbytes/testkit/exposition';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../src/api/config';
import { createApi } from '../src/api/create-api';
import type { Database } from '../src/data/database';
import { openPglite } from '../src/data/pglite';
import type { Refused } from '../src/errors';
import { REFUSAL_STATUS } from '../src/http';

describe('POST /api/rum (real-user metrics from the browser)', () => {
  let url = '';
  let db: Database;
  let close: () => Promise<void>;
  const registry = new Registry();
  const metrics = createAppMetrics(registry);
  const samples = async () => readScrape(await registry.metrics()).samples;

  async function listen(env: Record<string, string>) {
    const { app } = createApi({
      config: loadApiConfig({ API_TRUST_PROXY_HOPS: '1', ...env }), // as behind Heroku's router
      db,
      askTutor: async () => ({ answer: '', provider: '', model: '', costDollars: 0 }),
      logger: createLogger('error'),
      metrics,
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((r) => server.close(() => r())),
    };
  }

  beforeAll(async () => {
    db = await openPglite('memory://');
    ({ url, close } = await listen({ API_RUM_BATCHES_PER_MINUTE: '5' }));
  });
  afterAll(async () => {
    await close();
    await db.close();
  });

  const send = (body: unknown, { type = 'application/json', ip = '198.51.100.1' } = {}) =>
    fetch(`${url}/api/rum`, {
      method: 'POST',
      headers: { 'Content-Type': type, 'X-Forwarded-For': ip },
      body: JSON.stringify(body),
    });
  const on = { page: '/ask', client_type: 'mobile', connection: '3g' };

  it('records every kind of event with its labels, also from a sendBeacon text/plain body', async () => {
    const res = await send(
      {
        events: [
          { type: 'page_view', ...on },
          { type: 'action', action: 'ask', ...on },
          { type: 'error', kind: 'api', ...on },
          { type: 'vital', name: 'LCP', value: 3200, ...on },
          { type: 'vital', name: 'CLS', value: 0.08, ...on },
          { type: 'transfer', bytes: 48_000, ...on },
          { type: 'connection', event: 'replayed', ...on },
          { type: 'page_view', ...on, page: '/some/odd/path?x=1' },
        ],
      },
      { type: 'text/plain;charset=UTF-8' },
    );
    expect(res.status).toBe(204);
    const s = await samples();
    expect(s.get('brainbytes_web_page_views_total{client_type="mobile",connection="3g",page="/ask"}')).toBe(
      1,
    );
    expect(s.get('brainbytes_web_page_views_total{client_type="mobile",connection="3g",page="other"}')).toBe(
      1,
    );
    expect(s.get('brainbytes_web_user_actions_total{action="ask",client_type="mobile",page="/ask"}')).toBe(1);
    expect(s.get('brainbytes_web_errors_total{client_type="mobile",kind="api",page="/ask"}')).toBe(1);
    expect(
      s.get(
        'brainbytes_web_vitals_seconds_sum{client_type="mobile",connection="3g",metric="LCP",page="/ask"}',
      ),
    ).toBe(3.2);
    expect(s.get('brainbytes_web_cls_sum{client_type="mobile",connection="3g",page="/ask"}')).toBe(0.08);
    expect(
      s.get('brainbytes_web_page_transfer_bytes_sum{client_type="mobile",connection="3g",page="/ask"}'),
    ).toBe(48_000);
    expect(s.get('brainbytes_web_connection_events_total{client_type="mobile",event="replayed"}')).toBe(1);
  });

  it.each([
    [{ events: [{ type: 'mouse_wiggle', ...on }] }, 400, /events\.0\.type/],
    [{ events: [{ type: 'vital', name: 'LCP', value: -5, ...on }] }, 400, /events\.0\.value: must be ≥ 0/],
    [
      { events: [{ type: 'vital', name: 'LCP', value: 9e9, ...on }] },
      400,
      /events\.0\.value: must be ≤ 120000/,
    ],
    [{ events: [{ type: 'vital', name: 'CLS', value: 50, ...on }] }, 400, /CLS must be ≤ 10/],
    [{ events: [{ type: 'page_view', ...on, connection: '5g' }] }, 400, /events\.0\.connection/],
    [{ events: [] }, 400, /events: at least one event/],
    [{ events: 'x'.repeat(600) }, 400, /events: must be an array of RUM events/],
    [
      { events: Array.from({ length: 101 }, () => ({ type: 'page_view', ...on })) },
      413,
      /101 events; send at most 100/,
    ],
  ])('refuses %j, recording nothing of it', async (body, status, message) => {
    const before = JSON.stringify([...(await samples())].filter(([k]) => k.startsWith('brainbytes_web_')));
    const res = await send(body, { ip: `203.0.113.${Math.floor(Math.random() * 200)}` });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
    expect(JSON.stringify([...(await samples())].filter(([k]) => k.startsWith('brainbytes_web_')))).toBe(
      before,
    );
  });

  it('counts a batch sent again with its id once (a page that left before the answer sends it again)', async () => {
    const key = 'brainbytes_web_user_actions_total{action="retry",client_type="mobile",page="/ask"}';
    const batch = { i: 'k3x9a0b1c2d3', g: [{ p: '/ask', c: 'mobile', n: '3g', e: [['a', 'retry']] }] };
    const ip = '192.0.2.90';
    expect((await send(batch, { ip })).status).toBe(204);
    expect((await send(batch, { ip })).status).toBe(204); // taken, not counted again
    expect((await samples()).get(key)).toBe(1);
    expect((await send({ ...batch, i: 'k3x9a0b1c2d4' }, { ip })).status).toBe(204); // another batch
    expect((await samples()).get(key)).toBe(2);
    const bad = await send({ ...batch, i: 'Robert"); DROP' }, { ip });
    expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([
      400,
      'i: must be a batch id of 8 to 32 lowercase letters and digits',
    ]);
    expect((await samples()).get(key)).toBe(2);
  });

  it('limits batches per client per minute with 429', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await send({ events: [{ type: 'page_view', ...on }] }, { ip: '192.0.2.77' })).status);
    expect(statuses).toEqual([204, 204, 204, 204, 204, 429, 429]);
    expect((await send({ events: [{ type: 'page_view', ...on }] }, { ip: '192.0.2.78' })).status).toBe(204);
  });

  it("tells students apart behind the web app's proxy by the secret they share, and believes no one else", async () => {
    const secret = 's'.repeat(32);
    const behind = await listen({ API_RUM_BATCHES_PER_MINUTE: '2', API_PROXY_SECRET: secret });
    // What the API sees on Heroku: X-Forwarded-For ends with the address Heroku's router saw.
    const beacon = (routerSaw: string, headers: Record<string, string> = {}) =>
      fetch(`${behind.url}/api/rum`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': routerSaw, ...headers },
        body: JSON.stringify({ events: [{ type: 'page_view', ...on }] }),
      }).then((r) => r.status);
    const viaProxy = (student: string) =>
      beacon('10.1.2.3', { 'X-BrainBytes-Proxy-Secret': secret, 'X-BrainBytes-Client-Address': student });
    try {
      expect([
        await viaProxy('203.0.113.5'),
        await viaProxy('203.0.113.5'),
        await viaProxy('203.0.113.5'),
      ]).toEqual([204, 204, 429]);
      expect(await viaProxy('203.0.113.6')).toBe(204); // another student through the same web dyno
      // A client calling the API directly: forged X-Forwarded-For entries and a claimed address
      // without the secret change nothing; it is counted by what the router saw.
      const forged = [
        await beacon('1.1.1.1, 198.51.100.9'),
        await beacon('2.2.2.2, 198.51.100.9', { 'X-BrainBytes-Client-Address': '3.3.3.3' }),
        await beacon('4.4.4.4, 198.51.100.9', {
          'X-BrainBytes-Proxy-Secret': 'x'.repeat(32),
          'X-BrainBytes-Client-Address': '5.5.5.5',
        }),
      ];
      expect(forged).toEqual([204, 204, 429]);
      expect((await samples()).get('brainbytes_api_rate_limited_total{limit="rum"}')).toBeGreaterThanOrEqual(
        2,
      );
    } finally {
      await behind.close();
    }
  });
});

describe('the compact body (web/lib/rum.ts)', () => {
  it('reads back into the same events, and names what is wrong in a bad one', async () => {
    const { parseRumBatch } = await import('../src/api/rum');
    const events = parseRumBatch({
      g: [
        { p: '/ask', c: 'mobile', n: '3g', e: [['pv'], ['v', 'LCP', 2300], ['a', 'ask'], ['c', 'replayed']] },
      ],
    });
    expect(events).toEqual([
      { type: 'page_view', page: '/ask', client_type: 'mobile', connection: '3g' },
      { type: 'vital', name: 'LCP', value: 2300, page: '/ask', client_type: 'mobile', connection: '3g' },
      { type: 'action', action: 'ask', page: '/ask', client_type: 'mobile', connection: '3g' },
      { type: 'connection', event: 'replayed', page: '/ask', client_type: 'mobile', connection: '3g' },
    ]);
    const refused = (body: unknown) => {
      try {
        parseRumBatch(body);
      } catch (error) {
        return `${REFUSAL_STATUS[(error as Refused).kind]} ${(error as Error).message}`;
      }
      return 'accepted';
    };
    expect(refused({ g: [{ p: '/ask', c: 'mobile', n: '3g', e: [['zz']] }] })).toMatch(
      /^400 g\.0\.e\.0: the first item/,
    );
    expect(refused({ g: 'x' })).toMatch(/^400 g: must be an array/);
    expect(refused({ g: [{ p: '/ask', c: 'mobile', n: '3g', e: [['v', 'LCP', -5]] }] })).toMatch(
      /^400 .*≥ 0/,
    );
    expect(refused({ g: [{ p: '/ask', c: 'tablet', n: '3g', e: [['pv']] }] })).toMatch(/^400 .*client_type/);
    const many = Array.from({ length: 101 }, () => ['pv']);
    expect(refused({ g: [{ p: '/ask', c: 'mobile', n: '3g', e: many }] })).toMatch(
      /^413 batch has 101 events/,
    );
  });
});
