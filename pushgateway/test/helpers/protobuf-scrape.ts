import protobuf from 'protobufjs/light.js';
import { expect } from 'vitest';
import { METRICS_PROTO } from '../../src/exposition/metrics-proto';

/** What Prometheus asks for with native histograms on. */
export const PROTOBUF =
  'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited';
const MetricFamily = protobuf.Root.fromJSON(METRICS_PROTO).lookupType('io.prometheus.client.MetricFamily');

type Buckets = Array<[number, number]>;
export interface Native {
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positive: Buckets;
  negative: Buckets;
}

/** Absolute bucket counts from spans and counts, empty buckets left out. */
function buckets(spans: Array<{ offset?: number; length?: number }> = [], counts: number[]): Buckets {
  const out: Buckets = [];
  let index = 0;
  let at = 0;
  for (const span of spans) {
    index += span.offset ?? 0;
    for (let n = 0; n < (span.length ?? 0); n++, index++) {
      const count = counts[at++]!;
      if (count !== 0) out.push([index, count]);
    }
  }
  expect(at, 'spans cover every count').toBe(counts.length);
  return out;
}

const absolute = (deltas: number[] = []) => {
  let running = 0;
  return deltas.map((d) => (running += d));
};

type Histogram = Record<string, never>;

/** A histogram by what it holds: its classic buckets (+Inf only where it is not the count) and native ones, absolute. */
function histogramHeld(h: Histogram) {
  const count = h.sampleCount ?? h.sampleCountFloat ?? 0;
  const classic = (
    (h.bucket ?? []) as Array<{ upperBound: number; cumulativeCount?: number; cumulativeCountFloat?: number }>
  )
    .map((b) => [b.upperBound, b.cumulativeCount ?? b.cumulativeCountFloat ?? 0])
    .filter(([bound, n]) => bound !== Number.POSITIVE_INFINITY || n !== count);
  if (h.schema === undefined && h.zeroThreshold === undefined) return { count, sum: h.sampleSum, classic };
  const native: Native = {
    schema: h.schema ?? 0,
    zeroThreshold: h.zeroThreshold ?? 0,
    zeroCount: h.zeroCount ?? h.zeroCountFloat ?? 0,
    count,
    sum: h.sampleSum ?? 0,
    positive: buckets(h.positiveSpan, h.positiveCount ?? absolute(h.positiveDelta)),
    negative: buckets(h.negativeSpan, h.negativeCount ?? absolute(h.negativeDelta)),
  };
  return { count, sum: h.sampleSum, classic, native };
}

/**
 * A gateway's protobuf scrape, families kept by `keep` and merged by name (a family may come as
 * several messages), each metric keyed by its non-empty labels. Push times read "set" or 0.
 */
export async function readProtobufScrape(
  url: string,
  keep: (name: string) => boolean,
  headers: Record<string, string> = {},
) {
  const reply = await fetch(`${url}/metrics`, { headers: { ...headers, Accept: PROTOBUF } });
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toMatch(/^application\/vnd\.google\.protobuf/);
  const reader = protobuf.Reader.create(new Uint8Array(await reply.arrayBuffer()));
  const families = new Map<string, { type: string; help: string; metrics: Map<string, unknown> }>();
  while (reader.pos < reader.len) {
    const family = MetricFamily.toObject(MetricFamily.decodeDelimited(reader), {
      longs: Number,
      enums: String,
    }) as {
      name: string;
      help: string;
      type: string;
      metric?: Array<Record<string, unknown> & { label?: Array<{ name: string; value: string }> }>;
    };
    if (!keep(family.name)) continue;
    const entry = families.get(family.name) ?? { type: family.type, help: family.help, metrics: new Map() };
    families.set(family.name, entry);
    for (const { label = [], ...metric } of family.metric ?? []) {
      const key = label
        .filter((l) => l.value !== '')
        .map((l) => `${l.name}=${l.value}`)
        .sort()
        .join(',');
      expect(entry.metrics.has(key), `${family.name}{${key}} twice`).toBe(false);
      let held: unknown = metric;
      if (metric.histogram) held = histogramHeld(metric.histogram as Histogram);
      else if (/^push_(failure_)?time_seconds$/.test(family.name))
        held = (metric.gauge as { value: number }).value > 0 ? 'set' : 0;
      entry.metrics.set(key, held);
    }
  }
  return families;
}
