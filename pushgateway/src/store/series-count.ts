import type { StoredMetric } from './types';

/** Exposed sample lines of one metric: one for simple types, buckets/quantiles plus _sum and _count otherwise. */
export const seriesOf = (metric: StoredMetric) => (metric.points ? metric.points.size + 2 : 1);

/** Bytes per sample line beyond its label text: numbers, map entries and object headers in memory. */
const SAMPLE_OVERHEAD_BYTES = 120;
/** Bytes per group beyond its key: the group object, its maps and its push-time lines. */
export const GROUP_OVERHEAD_BYTES = 512;
// Characters JSON escapes (as \u0001 or \" ...) or UTF-8 writes in several bytes.
const COSTLY = /[\u0000-\u001f"\\\u007f-\uffff]/;

/**
 * What a label text costs in the snapshot and the log: its JSON-escaped UTF-8 size. A control
 * character costs 1 byte in a push and 6 in JSON, so this, not the length, bounds the disk.
 */
export function jsonBytes(text: string): number {
  return COSTLY.test(text) ? Buffer.byteLength(JSON.stringify(text)) : text.length + 2;
}

/**
 * What one stored metric costs, for PUSHGATEWAY_MAX_BYTES: its key once as stored and once in
 * every rendered line (the scrape cache), its key as JSON on disk, and a fixed cost per line.
 */
export function bytesOf(metric: StoredMetric): number {
  const lines = seriesOf(metric);
  return jsonBytes(metric.key) + (metric.key.length + SAMPLE_OVERHEAD_BYTES) * lines;
}
