import {
  addNative,
  MAX_SCHEMA,
  MIN_SCHEMA,
  type NativeHistogram,
  nativeProblem,
  reduceSchema,
} from '../exposition/native';
import type { Labels } from '../exposition/types';
import { seriesKey } from './attributes';
import { num, type OtlpMetric, type Point } from './decode';

/** OTLP data points as samples of Prometheus's types: what each metric kind becomes, or why it cannot. */

export type Type = 'counter' | 'gauge' | 'histogram' | 'summary';
export interface Sample {
  labels: Labels;
  value: number;
  buckets?: Array<[number, number]>;
  quantiles?: Array<[number, number]>;
  sum: number;
  count: number;
  native?: NativeHistogram;
}
export interface Family {
  type: Type;
  help: string;
  series: Map<string, Sample>;
  /** Data points taken into it (points of one series in one request are one sample). */
  points: number;
}
/** How an OTLP metric is stored, or why it cannot be. */
export function plan(metric: OtlpMetric): { type: Type; delta: boolean } | string {
  const what = `metric "${metric.name}"`;
  switch (metric.kind) {
    case undefined:
      return `${what} has no data (gauge, sum, histogram or summary)`;
    case 'gauge':
      return { type: 'gauge', delta: false };
    case 'summary':
      return { type: 'summary', delta: false };
    case 'sum':
    case 'histogram':
    case 'exponentialHistogram': {
      if (metric.temporality !== 1 && metric.temporality !== 2)
        return `${what} has no aggregation temporality (delta or cumulative)`;
      const delta = metric.temporality === 1;
      if (metric.kind !== 'sum') return { type: 'histogram', delta };
      if (metric.monotonic) return { type: 'counter', delta };
      if (delta)
        return `${what} is a non-monotonic sum with delta temporality, which cannot be added up into a gauge; export UpDownCounters with cumulative temporality (the SDK's default)`;
      return { type: 'gauge', delta: false };
    }
  }
}

/**
 * An exponential histogram point as a native histogram, as Prometheus's OTLP receiver converts it:
 * the scale is the schema (above 8, buckets merged down to 8; below -4, refused), OTLP's bucket
 * `i` (offset + position) is native bucket `i + 1`, and the zero bucket at least 1e-128 wide.
 */
function exponentialSample(point: Point, labels: Labels, maxBuckets: number): Sample | string {
  const buckets = (point.positive?.bucketCounts?.length ?? 0) + (point.negative?.bucketCounts?.length ?? 0);
  if (buckets > maxBuckets)
    return `an exponential histogram point has ${buckets} buckets, more than ${maxBuckets} (PUSHGATEWAY_MAX_SERIES_PER_PUSH)`;
  const scale = point.scale ?? 0;
  if (scale < MIN_SCHEMA)
    return `an exponential histogram point has scale ${scale}; native histograms take ${MIN_SCHEMA} and above`;
  const schema = Math.min(scale, MAX_SCHEMA);
  const side = (buckets: Point['positive']) => {
    const offset = buckets?.offset ?? 0;
    const counts = (buckets?.bucketCounts ?? []).map((n, k): [number, number] => [offset + k + 1, num(n)]);
    return reduceSchema(counts, scale, schema);
  };
  const count = num(point.count);
  const sum = point.sum === undefined || point.sum === null ? 0 : Number(point.sum);
  const native: NativeHistogram = {
    schema,
    zeroThreshold: Math.max(Number(point.zeroThreshold ?? 0), 1e-128),
    zeroCount: num(point.zeroCount),
    float: false,
    positive: side(point.positive),
    negative: side(point.negative),
  };
  const problem = nativeProblem(native, count, sum);
  if (problem) return `an exponential histogram point cannot be a native histogram: ${problem}`;
  return { labels, value: 0, buckets: [], sum, count, native };
}

/** One data point as a sample of its type, or why it cannot be one. */
export function sampleOf(
  type: Type,
  point: Point,
  labels: Labels,
  exponential: boolean,
  maxBuckets: number,
): Sample | string {
  if (exponential) return exponentialSample(point, labels, maxBuckets);
  if (type === 'counter' || type === 'gauge') {
    const hasDouble = point.asDouble !== undefined && point.asDouble !== null;
    const value = hasDouble ? Number(point.asDouble) : num(point.asInt);
    return { labels, value, sum: 0, count: 0 };
  }
  const count = num(point.count);
  const sum = point.sum === undefined || point.sum === null ? 0 : Number(point.sum);
  if (type === 'summary') {
    const quantiles = (point.quantileValues ?? []).map((q): [number, number] => [
      Number(q.quantile ?? 0),
      Number(q.value ?? 0),
    ]);
    return { labels, value: 0, quantiles, sum, count };
  }
  const bounds = (point.explicitBounds ?? []).map(Number);
  const counts = (point.bucketCounts ?? []).map(num);
  if (counts.length > 0 && counts.length !== bounds.length + 1)
    return `a histogram point has ${counts.length} bucket counts for ${bounds.length} bounds (must be one more)`;
  if (bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]!)))
    return 'a histogram point has bounds that are not finite and increasing';
  let running = 0;
  const buckets = bounds.map((bound, i): [number, number] => {
    running += counts[i] ?? 0;
    return [bound, running];
  });
  return { labels, value: 0, buckets, sum, count };
}

/** Adds a point into the family: deltas of one series in one request add up; other points replace. */
export function mergeSample(family: Family, sample: Sample, delta: boolean) {
  const key = seriesKey(sample.labels);
  const held = family.series.get(key);
  if (!held || !delta) return void family.series.set(key, sample);
  held.value += sample.value;
  held.sum += sample.sum;
  held.count += sample.count;
  if (held.native && sample.native) held.native = addNative(held.native, sample.native);
  if (held.buckets && sample.buckets) {
    const merged = new Map(held.buckets);
    for (const [bound, c] of sample.buckets) merged.set(bound, (merged.get(bound) ?? 0) + c);
    held.buckets = [...merged].sort((a, b) => a[0] - b[0]);
  }
}
