import { gzipSync } from 'node:zlib';
import { scrape } from '@brainbytes/testkit/exposition';
import protobuf from 'protobufjs/light.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessGateway, startInProcess } from '../src/in-process';
import { request } from './helpers/http';

/**
 * Protobuf pushes built with protobufjs from client_model's field numbers: the hostile and the odd
 * ones a real client never sends (client_golang's own pushes are in go-client.test.ts).
 */
const PROTOBUF =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

/** One delimited MetricFamily: name 1, help 2, type 3, metrics 4 (each a prepared Metric message). */
function family(name: string, type: number, metrics: Uint8Array[], help?: string): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).string(name);
  if (help !== undefined) w.uint32((2 << 3) | 2).string(help);
  w.uint32((3 << 3) | 0).int32(type);
  for (const m of metrics) w.uint32((4 << 3) | 2).bytes(m);
  return protobuf.Writer.create().bytes(w.finish()).finish();
}

/** A Metric with labels and a gauge (field 2) or counter (3) value. */
function metric(labels: Record<string, string>, field: 2 | 3 | 5, value: number): Uint8Array {
  const w = protobuf.Writer.create();
  for (const [name, v] of Object.entries(labels)) {
    const pair = protobuf.Writer.create();
    pair
      .uint32((1 << 3) | 2)
      .string(name)
      .uint32((2 << 3) | 2)
      .string(v);
    w.uint32((1 << 3) | 2).bytes(pair.finish());
  }
  const inner = protobuf.Writer.create()
    .uint32((1 << 3) | 1)
    .double(value)
    .finish();
  w.uint32((field << 3) | 2).bytes(inner);
  return w.finish();
}

describe('protobuf pushes', () => {
  let gw: InProcessGateway;
  beforeAll(async () => {
    gw = await startInProcess({
      PUSHGATEWAY_MAX_BODY_BYTES: String(64 * 1024),
      PUSHGATEWAY_MAX_SERIES_PER_PUSH: '100',
    });
  });
  afterAll(async () => gw.close());

  const push = (
    body: Uint8Array | Buffer,
    headers: Record<string, string> = {},
    method: 'PUT' | 'POST' = 'PUT',
  ) =>
    request(gw.url, {
      method,
      path: '/metrics/job/proto',
      body: Buffer.from(body),
      headers: { 'Content-Type': PROTOBUF, ...headers },
    });
  const stored = async () => [...(await scrape(gw.url)).samples].filter(([k]) => /^(jobs_|temp)/.test(k));

  it('stores gauges, counters and untyped values with escaped labels and HELP, gzip too', async () => {
    const body = Buffer.concat([
      family('temperature_celsius', 1, [metric({ room: 'lab "A"\n2' }, 2, 21.5)], 'Room temperature.\nIn C.'),
      family('jobs_done_total', 0, [metric({}, 3, 7)], 'Jobs done.'),
      family('jobs_untyped', 3, [metric({}, 5, 3)]),
    ]);
    expect((await push(gzipSync(body), { 'Content-Encoding': 'gzip' })).status).toBe(200);
    expect(await stored()).toEqual([
      ['jobs_done_total{instance="",job="proto"}', 7],
      ['jobs_untyped{instance="",job="proto"}', 3],
      ['temperature_celsius{instance="",job="proto",room="lab \\"A\\"\\n2"}', 21.5],
    ]);
  });

  it('answers 400, never 5xx, for bodies that are not delimited MetricFamily messages', async () => {
    const good = family('jobs_x', 1, [metric({}, 2, 1)]);
    for (const [what, body] of [
      ['a length past the end', Buffer.from([0xff, 0x01, 0x0a])],
      ['a truncated message', Buffer.from(good).subarray(0, good.length - 3)],
      ['text sent as protobuf', Buffer.from('jobs_x 1\n')],
      ['random bytes', Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 97 + 13) % 256))],
    ] as const) {
      const reply = await push(body);
      expect(reply.status, what).toBeGreaterThanOrEqual(400);
      expect(reply.status, what).toBeLessThan(500);
    }
    const nameless = await push(family('', 1, [metric({}, 2, 1)]));
    expect([nameless.status, nameless.body]).toEqual([400, expect.stringContaining('has no name')]);
    const wrongValue = await push(family('jobs_x', 0, [metric({}, 2, 1)])); // a counter holding a gauge
    expect([wrongValue.status, wrongValue.body]).toEqual([
      400,
      expect.stringContaining('has no counter value'),
    ]);
  });

  it('refuses what text cannot carry (a gauge histogram) and other protobuf messages with 415', async () => {
    const gaugeHistogram = await push(family('jobs_queue', 5, []));
    expect([gaugeHistogram.status, gaugeHistogram.body]).toEqual([
      415,
      expect.stringContaining('gauge histogram'),
    ]);
    const other = await push(family('jobs_x', 1, [metric({}, 2, 1)]), {
      'Content-Type': 'application/vnd.google.protobuf; proto=io.prometheus.client.Other; encoding=delimited',
    });
    expect(other.status).toBe(415);
  });

  it('holds the decoded push to PUSHGATEWAY_MAX_BODY_BYTES as well, and to the series limits', async () => {
    // Under 64 KiB of protobuf whose text is far larger: protobuf does not repeat the family name.
    const many = Array.from({ length: 2500 }, (_, i) => metric({ i: String(i) }, 2, i));
    const body = family('jobs_many_with_a_rather_long_metric_name', 1, many);
    expect(body.length).toBeLessThan(64 * 1024);
    const reply = await push(body);
    expect([reply.status, reply.body]).toEqual([
      413,
      expect.stringContaining('the decoded protobuf push is larger than 65536 bytes'),
    ]);
    const tooMany = Array.from({ length: 101 }, (_, i) => metric({ i: String(i) }, 2, i));
    expect((await push(family('jobs_series', 1, tooMany))).status).toBe(413); // 101 > 100 per push
    expect(
      (await stored()).filter(([k]) => k.startsWith('jobs_many') || k.startsWith('jobs_series')),
    ).toEqual([]);
  });

  it('takes delta pushes in protobuf: two sandboxes add up', async () => {
    const counter = (v: number) => family('jobs_delta_total', 0, [metric({}, 3, v)]);
    for (const v of [2, 3])
      expect((await push(counter(v), { 'X-Push-Mode': 'delta' }, 'POST')).status).toBe(200);
    expect((await stored()).find(([k]) => k.startsWith('jobs_delta_total'))?.[1]).toBe(5);
  });
});
