import http from 'node:http';
import protobuf from 'protobufjs/light.js';

export interface LoadResult {
  pushes: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  /** Every answered request's latency, sorted (for merging runs). */
  latencies: number[];
}

/** Runs measured apart (slices of one row) as one: pushes and seconds summed, latencies merged. */
export function mergeLoads(results: LoadResult[]): LoadResult {
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = results.reduce((n, r) => n + r.seconds, 0);
  return {
    pushes: latencies.length,
    failed: results.reduce((n, r) => n + r.failed, 0),
    seconds,
    perSecond: latencies.length / seconds,
    p50ms: quantile(latencies, 0.5),
    p99ms: quantile(latencies, 0.99),
    latencies,
  };
}

export interface LoadOptions {
  url: string;
  clients: number;
  /** Stop starting new requests after this long; requests in flight are waited for and counted. */
  durationMs: number;
  maxRequests: number;
  request: (n: number) => {
    method: string;
    path: string;
    body: string | Uint8Array;
    headers?: Record<string, string>;
  };
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** `clients` keep-alive loops, each sending its next request when the last is answered. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });
  const target = new URL(options.url);
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const send = (n: number) =>
    new Promise<number>((resolve, reject) => {
      const { method, path, body, headers } = options.request(n);
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method,
          path,
          headers: { 'Content-Length': Buffer.byteLength(body), ...headers },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (performance.now() < deadline && next < options.maxRequests) {
        const n = next++;
        const t0 = performance.now();
        const status = await send(n).catch(() => 0);
        if (status >= 200 && status < 300) latencies.push(performance.now() - t0);
        else failed++;
      }
    }),
  );
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    pushes: latencies.length,
    failed,
    seconds,
    perSecond: latencies.length / seconds,
    p50ms: quantile(latencies, 0.5),
    p99ms: quantile(latencies, 0.99),
    latencies,
  };
}

/** A 20-series push: ten counters and ten gauges, as a function's metrics might look. */
export function twentySeries(seed: number): string {
  let body = '# TYPE bench_requests_total counter\n';
  for (let i = 0; i < 10; i++)
    body += `bench_requests_total{route="/api/r${i}",client_type="mobile"} ${seed + i}\n`;
  body += '# TYPE bench_queue_depth gauge\n';
  for (let i = 0; i < 10; i++) body += `bench_queue_depth{queue="q${i}"} ${(seed * 7 + i) % 100}\n`;
  return body;
}

/** The content type client_golang pushes with by default. */
export const PROTOBUF_DELIMITED =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

/** twentySeries as client_golang sends it: two delimited MetricFamily messages (client_model field numbers). */
export function twentySeriesProtobuf(seed: number): Uint8Array {
  const metric = (labels: Array<[string, string]>, valueField: 2 | 3, value: number) => {
    const w = protobuf.Writer.create();
    for (const [name, v] of labels)
      w.uint32(10).bytes(protobuf.Writer.create().uint32(10).string(name).uint32(18).string(v).finish());
    const inner = protobuf.Writer.create().uint32(9).double(value).finish();
    return w
      .uint32((valueField << 3) | 2)
      .bytes(inner)
      .finish();
  };
  const family = (name: string, type: number, metrics: Uint8Array[]) => {
    const w = protobuf.Writer.create().uint32(10).string(name).uint32(24).int32(type);
    for (const m of metrics) w.uint32(34).bytes(m);
    return protobuf.Writer.create().bytes(w.finish()).finish();
  };
  return Buffer.concat([
    family(
      'bench_requests_total',
      0,
      Array.from({ length: 10 }, (_, i) =>
        metric(
          [
            ['route', `/api/r${i}`],
            ['client_type', 'mobile'],
          ],
          3,
          seed + i,
        ),
      ),
    ),
    family(
      'bench_queue_depth',
      1,
      Array.from({ length: 10 }, (_, i) => metric([['queue', `q${i}`]], 2, (seed * 7 + i) % 100)),
    ),
  ]);
}

/**
 * twentySeries as the OpenTelemetry SDK exports it over OTLP/HTTP protobuf: ten delta counter points
 * and ten gauge points of one resource (opentelemetry-proto field numbers). The point time varies
 * with the seed, as a real export's does, so no two bodies are the same request retried.
 *
 * Written once and patched per request (times and values are fixed-width fields): the load
 * generator shares the machine's two cores with the gateway, and encoding a body afresh costs it
 * more per OTLP request than a text body costs per text request, CPU the gateway would lose.
 */
export function twentySeriesOtlp(seed: number): Uint8Array {
  otlpTemplate ??= otlpTemplateOf();
  const { bytes, timeAt, valueAt } = otlpTemplate;
  const body = Buffer.from(bytes);
  const time = BigInt(1_700_000_000_000) * 1_000_000n + BigInt(seed);
  for (const at of timeAt) body.writeBigUInt64LE(time, at);
  for (let i = 0; i < 10; i++) {
    body.writeDoubleLE(seed + i, valueAt[i]!);
    body.writeDoubleLE((seed * 7 + i) % 100, valueAt[10 + i]!);
  }
  return body;
}

let otlpTemplate: { bytes: Buffer; timeAt: number[]; valueAt: number[] } | undefined;

/** The body with marker times and values, and where each marker is. */
function otlpTemplateOf() {
  const TIME = 0x0123456789abcdefn;
  const VALUE = 7.25e-300; // a value no real field holds, i + VALUE for the i-th point
  const bytes = Buffer.from(otlpBody(TIME, (i) => VALUE * (i + 2)));
  const find = (write: (b: Buffer) => void) => {
    const marker = Buffer.alloc(8);
    write(marker);
    const at: number[] = [];
    for (let i = bytes.indexOf(marker); i !== -1; i = bytes.indexOf(marker, i + 1)) at.push(i);
    return at;
  };
  const timeAt = find((b) => b.writeBigUInt64LE(TIME));
  const valueAt = Array.from({ length: 20 }, (_, i) => find((b) => b.writeDoubleLE(VALUE * (i + 2)))[0]!);
  if (timeAt.length !== 20 || valueAt.some((at) => at === undefined))
    throw new Error('the OTLP bench template lost its markers');
  return { bytes, timeAt, valueAt };
}

function otlpBody(time: bigint, pointValue: (point: number) => number): Uint8Array {
  const message = (build: (w: protobuf.Writer) => void) => {
    const w = protobuf.Writer.create();
    build(w);
    return w.finish();
  };
  const keyValue = (key: string, value: string) =>
    message((w) =>
      w
        .uint32(10)
        .string(key)
        .uint32(18)
        .bytes(message((v) => v.uint32(10).string(value))),
    );
  const point = (labels: Array<[string, string]>, value: number) =>
    message((w) => {
      for (const [k, v] of labels) w.uint32(58).bytes(keyValue(k, v));
      w.uint32(25).fixed64(time.toString() as unknown as number);
      w.uint32(33).double(value);
    });
  const sum = message((w) => {
    for (let i = 0; i < 10; i++)
      w.uint32(10).bytes(
        point(
          [
            ['route', `/api/r${i}`],
            ['client_type', 'mobile'],
          ],
          pointValue(i),
        ),
      );
    w.uint32(16).int32(1).uint32(24).bool(true);
  });
  const gauge = message((w) => {
    for (let i = 0; i < 10; i++) w.uint32(10).bytes(point([['queue', `q${i}`]], pointValue(10 + i)));
  });
  const metrics = [
    message((w) => w.uint32(10).string('bench.requests').uint32(58).bytes(sum)),
    message((w) => w.uint32(10).string('bench.queue.depth').uint32(42).bytes(gauge)),
  ];
  const scope = message((w) => {
    for (const m of metrics) w.uint32(18).bytes(m);
  });
  const resource = message((w) => w.uint32(10).bytes(keyValue('service.name', 'bench-otlp')));
  const resourceMetrics = message((w) => w.uint32(10).bytes(resource).uint32(18).bytes(scope));
  return message((w) => w.uint32(10).bytes(resourceMetrics));
}
