import { nativeBuckets } from '../exposition/native';
import type { StoredFamily, StoredMetric } from './types';

/**
 * Exposed sample lines of one metric: one for simple types, buckets/quantiles plus _sum and _count
 * otherwise, and one more for a native histogram (one series to Prometheus, whatever its buckets).
 */
export const seriesOf = (metric: StoredMetric) =>
  (metric.points ? metric.points.size + 2 : 1) + (metric.native ? 1 : 0);

/**
 * Bytes per native bucket: the pair in memory, and its index and count in the snapshot, the log
 * and the protobuf scrape.
 */
const NATIVE_BUCKET_BYTES = 64;

/**
 * Bytes per sample line beyond its label text and name: numbers, map entries, object headers in
 * memory, and the `_bucket`/`le="…"` and value of its rendered line. Measured, not guessed: see
 * test/memory-ceiling.test.ts, which holds the process's peak RSS to the README's ceiling.
 */
const SAMPLE_OVERHEAD_BYTES = 160;
/** Bytes per group beyond its key: the group object, its maps, its push-time lines and their index entries. */
export const GROUP_OVERHEAD_BYTES = 1024;
/** Bytes per family in a group beyond its name and HELP: the family object, its map, index entries. */
const FAMILY_OVERHEAD_BYTES = 384;
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
 * What one stored metric of a family named `nameLength` characters costs, for PUSHGATEWAY_MAX_BYTES:
 * its key once as stored and, with the name, in every rendered line (the scrape cache), its key as
 * JSON on disk, and a fixed cost per line.
 */
export function bytesOf(metric: StoredMetric, nameLength: number): number {
  const lines = seriesOf(metric);
  const native = metric.native ? NATIVE_BUCKET_BYTES * nativeBuckets(metric.native) : 0;
  return metric.keyBytes + (metric.key.length + nameLength + SAMPLE_OVERHEAD_BYTES) * lines + native;
}

/**
 * What a family in one group costs: its metrics, and its name and HELP twice (held in memory, and
 * written with the family in the snapshot), so HELP texts and long names fill the budget as label
 * values do. The scrape writes each name's HELP once, in a bounded batch.
 */
export function familyBytes(family: StoredFamily): number {
  let bytes = FAMILY_OVERHEAD_BYTES + 2 * (jsonBytes(family.name) + jsonBytes(family.help ?? ''));
  for (const metric of family.metrics.values()) bytes += bytesOf(metric, family.name.length);
  return bytes;
}

/** A copy of `text` that shares no memory with the push body it was sliced from. */
export function flatCopy(text: string): string {
  // V8 keeps a slice's whole parent string alive; a slice of a 4 MiB body would pin all of it.
  return text.length < 13 ? text : Buffer.from(text, 'utf8').toString('utf8');
}
