import type { StoredMetric } from './types';

/** Exposed sample lines of one metric: one for simple types, buckets/quantiles plus _sum and _count otherwise. */
export const seriesOf = (metric: StoredMetric) => (metric.points ? metric.points.size + 2 : 1);

/** Bytes per sample line beyond its label text: numbers, map entries and object headers in memory. */
const SAMPLE_OVERHEAD_BYTES = 120;
/** Bytes per group beyond its key: the group object, its maps and its push-time lines. */
export const GROUP_OVERHEAD_BYTES = 512;
// Characters JSON writes as \u0001 and the like, or UTF-8 in several bytes: rare in label text.
const RARE = /[\u0000-\u001f\u007f-\uffff]/;

/**
 * What a label text costs in the snapshot and the log: its JSON-escaped UTF-8 size. A control
 * character costs 1 byte in a push and 6 in JSON, so this, not the length, bounds the disk.
 * Every label text has quotes (`a="1"`), which JSON escapes with one byte each: counted, not encoded.
 */
export function jsonBytes(text: string): number {
  if (RARE.test(text)) return Buffer.byteLength(JSON.stringify(text));
  let escaped = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 92) escaped++; // " and \
  }
  return text.length + 2 + escaped;
}

/**
 * What one stored metric costs, for PUSHGATEWAY_MAX_BYTES: its key once as stored and once in
 * every rendered line (the scrape cache), its key as JSON on disk, and a fixed cost per line.
 */
export function bytesOf(metric: StoredMetric): number {
  const lines = seriesOf(metric);
  return metric.keyBytes + (metric.key.length + SAMPLE_OVERHEAD_BYTES) * lines;
}
