import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readScrape } from '@brainbytes/testkit/exposition';
import { type RunningProcess, startGatewayProcess } from '@brainbytes/testkit/processes';
import { type Attributes, ValueType } from '@opentelemetry/api';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import Redis from 'ioredis';
import protobuf from 'protobufjs/light.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OTLP_PROTO } from '../src/otlp/otlp-proto';
import { request } from './helpers/http';
import { type Native, readProtobufScrape } from './helpers/protobuf-scrape';

/**
 * OpenTelemetry's own JS SDK (sdk-metrics with the OTLP/HTTP JSON and protobuf exporters) pushing
 * to the gateway's /v1/metrics, as a team would point OTEL_EXPORTER_OTLP_ENDPOINT at it.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PUSH = 'push:otel-secret';
const AUTH = { Authorization: `Basic ${Buffer.from(PUSH).toString('base64')}` };
const running: RunningProcess[] = [];
const dirs: string[] = [];
const prefixes: string[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((gw) => gw.stop('SIGKILL')));
});
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (prefixes.length) {
    const redis = new Redis(REDIS_URL);
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
  }
});

async function gateway(env: Record<string, string> = {}) {
  const gw = await startGatewayProcess({
    PUSHGATEWAY_PERSISTENCE: 'memory',
    PUSHGATEWAY_PUSH_CREDENTIALS: PUSH,
    PUSHGATEWAY_SCRAPE_CREDENTIALS: 'prometheus:scrape-secret',
    ...env,
  });
  running.push(gw);
  return gw;
}

async function samples(gw: RunningProcess) {
  const reply = await request(gw.url, {
    method: 'GET',
    path: '/metrics',
    headers: { Authorization: `Basic ${Buffer.from('prometheus:scrape-secret').toString('base64')}` },
  });
  expect(reply.status).toBe(200);
  return readScrape(reply.body);
}

type Format = 'json' | 'protobuf';

function exporterFromEnv(
  gw: RunningProcess,
  Exporter: typeof JsonExporter | typeof ProtoExporter,
  temporality: 'delta' | 'cumulative',
) {
  const settings = {
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${gw.url}/v1/metrics`,
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Basic ${Buffer.from(PUSH).toString('base64')}`,
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: temporality,
  };
  Object.assign(process.env, settings);
  try {
    return new Exporter();
  } finally {
    for (const name of Object.keys(settings)) delete process.env[name];
  }
}

/** One short-lived process: its own MeterProvider and exporter, flushed and shut down, as a Lambda sandbox would. */
async function sandbox(
  gw: RunningProcess,
  {
    format,
    temporality,
    resource,
    compression,
    fromEnv,
  }: {
    format: Format;
    temporality: 'delta' | 'cumulative';
    resource: Attributes;
    compression?: boolean;
    /** Configured only as the README tells a user: OTEL_EXPORTER_OTLP_* variables. */
    fromEnv?: boolean;
  },
  record: (meter: ReturnType<MeterProvider['getMeter']>) => void,
) {
  const Exporter = format === 'json' ? JsonExporter : ProtoExporter;
  const exporter = fromEnv
    ? exporterFromEnv(gw, Exporter, temporality)
    : new Exporter({
        url: `${gw.url}/v1/metrics`,
        headers: AUTH,
        temporalityPreference:
          temporality === 'delta'
            ? AggregationTemporalityPreference.DELTA
            : AggregationTemporalityPreference.CUMULATIVE,
        ...(compression ? { compression: 'gzip' as never } : {}),
      });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
  });
  record(provider.getMeter('brainbytes-test'));
  await provider.forceFlush();
  await provider.shutdown();
}

describe('the OpenTelemetry JS SDK', () => {
  for (const format of ['protobuf', 'json'] as const) {
    it(`adds up delta counters and histograms from many sandboxes into one series (${format})`, async () => {
      const gw = await gateway();
      const adds = [3, 5, 11];
      const latencies = [
        [0.02, 0.3],
        [0.07, 1.5, 4],
        [0.2, 0.2, 0.2, 9],
      ];
      for (const [i, add] of adds.entries()) {
        await sandbox(
          gw,
          {
            format,
            temporality: 'delta',
            compression: i === 1,
            resource: {
              'service.name': 'tutor',
              'service.instance.id': `sandbox-${i}-${randomUUID()}`,
              'faas.name': 'brainbytes-tutor',
            },
          },
          (meter) => {
            meter
              .createCounter('tutor.answers', { unit: '{answer}', description: 'Answers given.' })
              .add(add, {
                subject: 'math',
              });
            const h = meter.createHistogram('tutor.latency', {
              unit: 's',
              advice: { explicitBucketBoundaries: [0.1, 0.5, 2] },
            });
            for (const v of latencies[i]!) h.record(v, { subject: 'math' });
          },
        );
      }
      const s = (await samples(gw)).samples;
      const all = latencies.flat();
      expect(s.get('tutor_answers_total{instance="",job="tutor",subject="math"}')).toBe(19);
      const bucket = (le: string) =>
        s.get(`tutor_latency_seconds_bucket{instance="",job="tutor",le="${le}",subject="math"}`);
      expect(bucket('0.1')).toBe(all.filter((v) => v <= 0.1).length);
      expect(bucket('0.5')).toBe(all.filter((v) => v <= 0.5).length);
      expect(bucket('2')).toBe(all.filter((v) => v <= 2).length);
      expect(bucket('Infinity')).toBe(all.length);
      expect(s.get('tutor_latency_seconds_count{instance="",job="tutor",subject="math"}')).toBe(all.length);
      expect(s.get('tutor_latency_seconds_sum{instance="",job="tutor",subject="math"}')).toBeCloseTo(
        all.reduce((a, b) => a + b, 0),
        9,
      );
      // No sandbox multiplied a series, and none left a target_info behind.
      expect([...s.keys()].filter((k) => k.includes('sandbox-'))).toEqual([]);
    });
  }

  it('stores cumulative counters, gauges and up-down counters as pushed, with target_info', async () => {
    const gw = await gateway();
    const resource = {
      'service.name': 'api',
      'service.namespace': 'brainbytes',
      'service.instance.id': 'web.1',
      'deployment.environment': 'production',
    };
    for (const total of [7, 9]) {
      // Two exports of one long-lived process: the second replaces the first.
      await sandbox(gw, { format: 'json', temporality: 'cumulative', resource }, (meter) => {
        meter.createCounter('http.requests').add(total, { route: '/ask' });
        meter.createUpDownCounter('sessions.open').add(total - 4);
        meter.createGauge('queue.fill', { unit: '1' }).record(0.25);
        meter
          .createObservableGauge('heap.used', { unit: 'By', valueType: ValueType.INT })
          .addCallback((r) => r.observe(1024 * total));
      });
    }
    const s = (await samples(gw)).samples;
    const at = 'instance="web.1",job="brainbytes/api"';
    expect(s.get(`http_requests_total{${at},route="/ask"}`)).toBe(9);
    expect(s.get(`sessions_open{${at}}`)).toBe(5);
    expect(s.get(`queue_fill_ratio{${at}}`)).toBe(0.25);
    expect(s.get(`heap_used_bytes{${at}}`)).toBe(9216);
    const info = [...s.keys()].find((k) => k.startsWith('target_info{'));
    expect(info).toContain('deployment_environment="production"');
    expect(info).not.toContain('service_name');
    expect(info).toContain(at);
  });

  it('loses nothing acknowledged when the gateway is SIGKILLed and restarted (file persistence)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pgw-otlp-'));
    dirs.push(dataDir);
    const env = { PUSHGATEWAY_PERSISTENCE: 'file', PUSHGATEWAY_DATA_DIR: dataDir };
    let gw = await gateway(env);
    const push = (target: RunningProcess, n: number) =>
      sandbox(
        target,
        {
          format: 'protobuf',
          temporality: 'delta',
          resource: { 'service.name': 'jobs', 'service.instance.id': randomUUID() },
          fromEnv: true,
        },
        (meter) => meter.createCounter('reviews.sent').add(n),
      );
    for (let i = 1; i <= 10; i++) await push(gw, i);
    await gw.stop('SIGKILL');
    gw = await gateway(env);
    expect((await samples(gw)).samples.get('reviews_sent_total{instance="",job="jobs"}')).toBe(55);
    await push(gw, 45);
    expect((await samples(gw)).samples.get('reviews_sent_total{instance="",job="jobs"}')).toBe(100);
  });

  it('serves the same totals from two gateways on one Redis', async () => {
    const prefix = `pgw-otlp-${randomUUID()}`;
    prefixes.push(prefix);
    const env = { PUSHGATEWAY_PERSISTENCE: 'redis', REDIS_URL, PUSHGATEWAY_REDIS_PREFIX: prefix };
    const [a, b] = [await gateway(env), await gateway(env)];
    for (const [i, target] of [a, b, a, b, b].entries()) {
      await sandbox(
        target!,
        {
          format: i % 2 ? 'json' : 'protobuf',
          temporality: 'delta',
          resource: { 'service.name': 'tutor', 'service.instance.id': `s${i}` },
        },
        (meter) => meter.createCounter('tutor.questions').add(i + 1, { client_type: 'web' }),
      );
    }
    const key = 'tutor_questions_total{client_type="web",instance="",job="tutor"}';
    expect((await samples(a!)).samples.get(key)).toBe(15);
    expect((await samples(b!)).samples.get(key)).toBe(15);
  });

  it('stores exponential histograms as native ones: three delta sandboxes add up, every value in its bucket', async () => {
    const gw = await gateway();
    const values = [[120, 3], [0, 42.5], [7.7]];
    for (const [i, recorded] of values.entries()) {
      const exporter = new (i === 1 ? JsonExporter : ProtoExporter)({
        url: `${gw.url}/v1/metrics`,
        headers: AUTH,
        temporalityPreference: AggregationTemporalityPreference.DELTA,
      });
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': 'tutor', 'service.instance.id': `s${i}` }),
        readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
        views: [
          { instrumentName: 'tutor.tokens', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
        ],
      });
      const meter = provider.getMeter('t');
      const tokens = meter.createHistogram('tutor.tokens');
      for (const v of recorded!) tokens.record(v, { model: 'offline' });
      meter.createCounter('tutor.calls').add(2);
      await provider.forceFlush();
      await provider.shutdown();
    }
    const families = await readProtobufScrape(gw.url, (name) => name.startsWith('tutor_'), {
      Authorization: `Basic ${Buffer.from('prometheus:scrape-secret').toString('base64')}`,
    });
    expect(families.get('tutor_calls_total')!.metrics.get('job=tutor')).toEqual({ counter: { value: 6 } });
    const { native } = families.get('tutor_tokens')!.metrics.get('job=tutor,model=offline') as {
      native: Native;
    };
    const all = values.flat();
    expect(native).toMatchObject({ count: all.length, zeroCount: 1, negative: [] });
    expect(native.sum).toBeCloseTo(
      all.reduce((a, b) => a + b, 0),
      9,
    );
    // The coarsest sandbox's scale (3 to 120 in 160 buckets: 4), 2^(1/16) a bucket, a value v in ceil(log2(v)·16).
    expect(native.schema).toBe(4);
    const expected = new Map<number, number>();
    for (const v of all.filter((v) => v > 0)) {
      const index = Math.ceil(Math.log2(v) * 2 ** native.schema);
      expected.set(index, (expected.get(index) ?? 0) + 1);
    }
    expect(native.positive).toEqual([...expected].sort((a, b) => a[0] - b[0]));
    expect(
      (await samples(gw)).samples.get('tutor_tokens_count{instance="",job="tutor",model="offline"}'),
    ).toBe(5);
  });
});

const root = protobuf.Root.fromJSON(OTLP_PROTO);
const Status = root.lookupType('otlp.Status');
const Response = root.lookupType('otlp.ExportMetricsServiceResponse');

/** A protobuf request of one gauge point with `attributes` attributes, written field by field. */
function protobufPoint(attributes: number): Uint8Array {
  const msg = (build: (w: protobuf.Writer) => void) => {
    const w = protobuf.Writer.create();
    build(w);
    return w.finish();
  };
  const point = msg((w) => {
    for (let i = 0; i < attributes; i++)
      w.uint32(58).bytes(
        msg((kv) =>
          kv
            .uint32(10)
            .string(`k${i}`)
            .uint32(18)
            .bytes(msg((v) => v.uint32(10).string('v'))),
        ),
      );
    w.uint32(33).double(1);
  });
  const metric = msg((w) =>
    w
      .uint32(10)
      .string('wide')
      .uint32(42)
      .bytes(msg((g) => g.uint32(10).bytes(point))),
  );
  const scope = msg((w) => w.uint32(18).bytes(metric));
  return msg((w) => w.uint32(10).bytes(msg((rm) => rm.uint32(18).bytes(scope))));
}

/** An attribute value of lists in lists, `depth` deep. */
const nested = (depth: number): object =>
  depth === 0 ? {} : { arrayValue: { values: [nested(depth - 1)] } };

/** A request whose framing is sound down to the point, and whose point's bytes are not protobuf. */
function brokenPoint(): Uint8Array {
  const msg = (build: (w: protobuf.Writer) => void) => {
    const w = protobuf.Writer.create();
    build(w);
    return w.finish();
  };
  const gauge = msg((g) => g.uint32(10).bytes(Uint8Array.of(0x0f, 0x01)));
  const metric = msg((w) => w.uint32(10).string('broken').uint32(42).bytes(gauge));
  return msg((w) =>
    w.uint32(10).bytes(msg((rm) => rm.uint32(18).bytes(msg((s) => s.uint32(18).bytes(metric))))),
  );
}

const jsonBody = (
  metrics: unknown[],
  resource: unknown[] = [{ key: 'service.name', value: { stringValue: 'hand' } }],
) =>
  JSON.stringify({ resourceMetrics: [{ resource: { attributes: resource }, scopeMetrics: [{ metrics }] }] });
const deltaSum = (name: string, value: number | string, extra: object = {}) => ({
  name,
  sum: {
    aggregationTemporality: 1,
    isMonotonic: true,
    dataPoints: [{ asInt: String(value), timeUnixNano: '1700000000000000000', ...extra }],
  },
});

describe('/v1/metrics answers as OTLP/HTTP asks', () => {
  /** fetch keeps the answer's bytes: a protobuf Status is not UTF-8. */
  const post = async (gw: RunningProcess, body: string | Buffer, headers: Record<string, string>) => {
    const reply = await fetch(`${gw.url}/v1/metrics`, {
      method: 'POST',
      body,
      headers: { ...AUTH, ...headers },
    });
    const bytes = Buffer.from(await reply.arrayBuffer());
    return {
      status: reply.status,
      bytes,
      body: bytes.toString('utf8'),
      type: reply.headers.get('content-type'),
    };
  };

  it('answers bad bodies with a 4xx and a google.rpc.Status, never a 5xx', async () => {
    const gw = await gateway({ PUSHGATEWAY_MAX_SERIES_PER_PUSH: '50' });
    const proto = { 'Content-Type': 'application/x-protobuf' };
    const json = { 'Content-Type': 'application/json' };
    const garbage = await post(gw, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2]), proto);
    expect(garbage.status).toBe(400);
    expect(garbage.type).toBe('application/x-protobuf');
    const status = Status.decode(garbage.bytes) as unknown as { message: string };
    expect(status.message).toMatch(/not an OTLP ExportMetricsServiceRequest/);

    const cases: Array<[string | Buffer, Record<string, string>, number, RegExp]> = [
      ['{"resourceMetrics": [', json, 400, /not OTLP\/JSON/],
      ['{"resourceMetrics": {"a": 1}}', json, 400, /resourceMetrics must be an array/],
      [
        jsonBody([deltaSum('x', 1)]),
        { 'Content-Type': 'text/plain' },
        415,
        /application\/x-protobuf or application\/json/,
      ],
      [gzipSync('not gzip json'), { ...json, 'Content-Encoding': 'gzip' }, 400, /not OTLP\/JSON/],
      [Buffer.from('not gzip'), { ...json, 'Content-Encoding': 'gzip' }, 400, /not valid gzip/],
      // Empty messages by the thousand are refused by their count, before anything is decoded.
      [Buffer.alloc(120 * 2, Buffer.from([0x0a, 0x00])), proto, 413, /more than 50/],
      [
        jsonBody([
          { name: 'many', gauge: { dataPoints: Array.from({ length: 51 }, () => ({ asDouble: 1 })) } },
        ]),
        json,
        413,
        /more than 50 data points/,
      ],
      [
        jsonBody([deltaSum('x', 1)], [{ key: 'service.name', value: nested(10) }]),
        json,
        400,
        /nested deeper than 8/,
      ],
      [jsonBody([deltaSum('x', -3)]), json, 400, /finite and >= 0/],
      [
        Buffer.from(protobufPoint(129)),
        proto,
        400,
        /129 attributes, more than 128 \(PUSHGATEWAY_OTLP_MAX_ATTRIBUTES\)/,
      ],
      [
        jsonBody([
          {
            name: 'wide',
            gauge: {
              dataPoints: [
                {
                  asDouble: 1,
                  attributes: Array.from({ length: 129 }, (_, i) => ({
                    key: `k${i}`,
                    value: { stringValue: 'v' },
                  })),
                },
              ],
            },
          },
        ]),
        json,
        400,
        /129 attributes/,
      ],
      ['['.repeat(10_000), json, 413, /JSON objects and arrays, more than/],
      // Wrong shapes deep inside, and a point whose own bytes are broken: found while translating.
      [
        jsonBody([deltaSum('x', 1, { attributes: [null] })]),
        json,
        400,
        /not a valid OTLP ExportMetricsServiceRequest/,
      ],
      [jsonBody([deltaSum('x', 1)], [null]), json, 400, /not a valid OTLP/],
      [
        jsonBody([{ name: 's', summary: { dataPoints: [{ quantileValues: [null] }] } }]),
        json,
        400,
        /not a valid OTLP/,
      ],
      [Buffer.from(brokenPoint()), proto, 400, /not a valid OTLP ExportMetricsServiceRequest \(protobuf\)/],
    ];
    for (const [body, headers, code, message] of cases) {
      const reply = await post(gw, body, headers);
      expect({ code: reply.status, body: reply.body }).toMatchObject({ code });
      const status =
        headers['Content-Type'] === 'application/json'
          ? (JSON.parse(reply.body) as { message: string })
          : (Status.decode(reply.bytes) as unknown as { message: string });
      expect(status.message).toMatch(message);
    }
    expect((await post(gw, Buffer.from(protobufPoint(128)), proto)).status).toBe(200);
    const noAuth = await request(gw.url, {
      method: 'POST',
      path: '/v1/metrics',
      body: jsonBody([]),
      headers: json,
    });
    expect(noAuth.status).toBe(401);
    expect((await request(gw.url, { method: 'GET', path: '/v1/metrics', headers: AUTH })).status).toBe(405);
    expect(gw.output()).not.toMatch(/otel-secret/);
  });

  it('rejects what it cannot store point by point, with a partial success in the request encoding', async () => {
    const gw = await gateway();
    const body = jsonBody([
      deltaSum('kept', 4),
      {
        name: 'updown',
        sum: { aggregationTemporality: 1, isMonotonic: false, dataPoints: [{ asInt: '1' }, { asInt: '2' }] },
      },
      { name: 'nodata' },
      {
        name: 'expo',
        exponentialHistogram: { aggregationTemporality: 1, dataPoints: [{ count: '1', scale: -5 }] },
      },
    ]);
    const reply = await post(gw, body, { 'Content-Type': 'application/json' });
    expect(reply.status).toBe(200);
    const answer = JSON.parse(reply.body) as {
      partialSuccess: { rejectedDataPoints: number; errorMessage: string };
    };
    expect(answer.partialSuccess.rejectedDataPoints).toBe(3);
    expect(answer.partialSuccess.errorMessage).toMatch(
      /point has scale -5; native histograms take -4 and above \(metric "expo"\)/,
    );
    expect(answer.partialSuccess.errorMessage).toMatch(
      /"updown" is a non-monotonic sum with delta temporality/,
    );
    expect(answer.partialSuccess.errorMessage).toMatch(/"nodata" has no data/);
    expect((await samples(gw)).samples.get('kept_total{instance="",job="hand"}')).toBe(4);
  });

  it('counts a retried request once: the same body twice adds its deltas once', async () => {
    const gw = await gateway();
    const body = gzipSync(jsonBody([deltaSum('retried', 6)]));
    const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' };
    for (let i = 0; i < 3; i++) expect((await post(gw, body, headers)).status).toBe(200);
    expect((await samples(gw)).samples.get('retried_total{instance="",job="hand"}')).toBe(6);
    const other = jsonBody([deltaSum('retried', 6, { timeUnixNano: '1700000060000000000' })]);
    expect((await post(gw, other, { 'Content-Type': 'application/json' })).status).toBe(200);
    expect((await samples(gw)).samples.get('retried_total{instance="",job="hand"}')).toBe(12);
    // A protobuf success is an empty ExportMetricsServiceResponse.
    expect(Response.decode(Buffer.alloc(0)).toJSON()).toEqual({});
  });
});
