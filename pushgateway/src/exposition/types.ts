import type { NativeHistogram } from './native';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export const METRIC_TYPES: ReadonlySet<string> = new Set([
  'counter',
  'gauge',
  'histogram',
  'summary',
  'untyped',
]);

/** Label pairs, kept sorted by name once a metric is normalized. */
export type Labels = Array<[name: string, value: string]>;

/**
 * One metric (one label set) of a family. Simple types carry `value`; histograms carry
 * cumulative `buckets` (upper bound → count), summaries carry `quantiles`; both carry sum and count.
 */
export interface Metric {
  labels: Labels;
  value: number;
  buckets?: Map<number, number>;
  quantiles?: Map<number, number>;
  sum: number;
  count: number;
  /** A histogram's native (sparse) buckets, pushed in protobuf; alongside its classic ones, if any. */
  native?: NativeHistogram;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string | undefined;
  metrics: Metric[];
}
