import protobuf from 'protobufjs/light.js';
import { unescapeText } from './escape';
import { METRICS_PROTO } from './metrics-proto';
import { toSpans } from './native';
import { parseExposition } from './parse';
import type { Labels, Metric, MetricFamily } from './types';

/**
 * The protobuf exposition a scraper may ask for (Prometheus does with native histograms on): the
 * same delimited MetricFamily messages a push carries. It is the only format that carries native
 * histograms; everything else is the same as in the text exposition.
 */
export const PROTOBUF_EXPOSITION =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

const MetricFamilyType = protobuf.Root.fromJSON(METRICS_PROTO).lookupType(
  'io.prometheus.client.MetricFamily',
);
const TYPE_NUMBER = { counter: 0, gauge: 1, summary: 2, untyped: 3, histogram: 4 } as const;

/**
 * Whether an Accept header prefers the protobuf exposition to text: it names delimited
 * MetricFamily messages with a quality above 0 and at least that of any text type it takes.
 */
export function prefersProtobuf(accept: string): boolean {
  let protobufQ = 0;
  let textQ = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim());
    const param = new Map(params.map((p) => p.split('=').map((x) => x.trim()) as [string, string]));
    const q = param.has('q') ? Number(param.get('q')) : 1;
    if (!(q >= 0)) continue;
    if (type.toLowerCase() === 'application/vnd.google.protobuf') {
      if (param.get('proto') === 'io.prometheus.client.MetricFamily' && param.get('encoding') === 'delimited')
        protobufQ = Math.max(protobufQ, q);
    } else textQ = Math.max(textQ, q);
  }
  return protobufQ > 0 && protobufQ >= textQ;
}

const int = (n: number) => Math.max(0, Math.round(n));

function metricMessage(type: MetricFamily['type'], metric: Metric): Record<string, unknown> {
  const label = metric.labels.map(([name, value]) => ({ name, value }));
  if (type === 'counter' || type === 'gauge' || type === 'untyped')
    return { label, [type]: { value: metric.value } };
  if (type === 'summary') {
    const quantile = [...(metric.quantiles ?? [])].map(([q, value]) => ({ quantile: q, value }));
    return { label, summary: { sampleCount: int(metric.count), sampleSum: metric.sum, quantile } };
  }
  const h = metric.native;
  const float = h ? h.float : !Number.isInteger(metric.count);
  const histogram: Record<string, unknown> = { sampleSum: metric.sum };
  if (float) histogram.sampleCountFloat = metric.count;
  else histogram.sampleCount = int(metric.count);
  // The +Inf bucket is the count, which protobuf carries already (the Go clients leave it out, and
  // Prometheus adds it back): the text needs it, protobuf does not.
  const classic = [...(metric.buckets ?? [])].filter(
    ([bound, n]) => bound !== Number.POSITIVE_INFINITY || n !== metric.count,
  );
  if (classic.length)
    histogram.bucket = classic.map(([upperBound, n]) =>
      Number.isInteger(n) ? { upperBound, cumulativeCount: n } : { upperBound, cumulativeCountFloat: n },
    );
  if (h) {
    histogram.schema = h.schema;
    histogram.zeroThreshold = h.zeroThreshold;
    for (const [side, buckets] of [
      ['positive', h.positive],
      ['negative', h.negative],
    ] as const) {
      const { spans, counts } = toSpans(buckets);
      histogram[`${side}Span`] = spans;
      if (h.float) histogram[`${side}Count`] = counts;
      else histogram[`${side}Delta`] = counts.map((n, i) => n - (i ? counts[i - 1]! : 0));
    }
    if (h.float) histogram.zeroCountFloat = h.zeroCount;
    else histogram.zeroCount = h.zeroCount;
  }
  return { label, histogram };
}

/** One delimited MetricFamily message of the given metrics. */
export function familyMessage(family: MetricFamily): Uint8Array {
  return MetricFamilyType.encodeDelimited({
    name: family.name,
    ...(family.help === undefined ? {} : { help: family.help }),
    type: TYPE_NUMBER[family.type],
    metric: family.metrics.map((metric) => metricMessage(family.type, metric)),
  }).finish();
}

/** Text exposition (the gateway's own metrics) as delimited MetricFamily messages, one per family. */
export function textToProtobuf(text: string): Uint8Array[] {
  return [...parseExposition(text).families.values()].map(familyMessage);
}

/** The pairs of a label text as `labelText` writes it (`a="1",b="x\"y"`). */
export function parseLabelText(text: string): Labels {
  const labels: Labels = [];
  for (const m of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
    labels.push([m[1]!, unescapeText(m[2]!, true)]);
  return labels;
}
