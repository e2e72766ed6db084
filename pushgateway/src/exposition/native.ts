import { formatValue } from '@brainbytes/telemetry/metrics';
import { invalidPush } from '../store/refusal';
import { parseFloatValue } from './float';

/**
 * A native (sparse, exponential) histogram's own parts; its count and sum are the metric's.
 * Buckets are `[index, count]` pairs, counts absolute (not the wire's deltas), sorted by index:
 * at schema `s` the positive bucket `i` holds observations in (2^((i-1)·2^-s), 2^(i·2^-s)], the
 * negative bucket `i` the same range below zero.
 */
export interface NativeHistogram {
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  positive: Array<[number, number]>;
  negative: Array<[number, number]>;
  /** Counts are floats (the wire's `*_count_float`, `*_count`) rather than integers (`*_delta`). */
  float: boolean;
}

/** The schemas Prometheus takes for exponential buckets. */
export const MIN_SCHEMA = -4;
export const MAX_SCHEMA = 8;
/** Beyond this a bucket's bound is past any float64 at every schema: an index further out is a hostile one. */
const MAX_INDEX = 1 << 20;

/** The buckets a native histogram holds: what it costs, and what it counts against a push's samples. */
export const nativeBuckets = (h: NativeHistogram) => h.positive.length + h.negative.length;

/**
 * Why a native histogram cannot be stored, or undefined: a schema Prometheus does not take, a
 * zero threshold or count that is not a number ≥ 0, a bucket out of range or negative, or more
 * observations in its buckets than its count (Prometheus refuses all of these on ingestion).
 */
export function nativeProblem(h: NativeHistogram, count: number, sum: number): string | undefined {
  if (!Number.isInteger(h.schema) || h.schema < MIN_SCHEMA || h.schema > MAX_SCHEMA)
    return `schema ${h.schema} is not one of ${MIN_SCHEMA}…${MAX_SCHEMA}`;
  if (!(h.zeroThreshold >= 0 && Number.isFinite(h.zeroThreshold)))
    return `zero threshold ${h.zeroThreshold} is not a finite number >= 0`;
  let observed = h.zeroCount;
  if (!(h.zeroCount >= 0 && Number.isFinite(h.zeroCount))) return `zero count ${h.zeroCount} is negative`;
  for (const side of [h.positive, h.negative]) {
    let last = Number.NEGATIVE_INFINITY;
    for (const [index, n] of side) {
      if (!Number.isInteger(index) || Math.abs(index) > MAX_INDEX || index <= last)
        return `bucket index ${index} is out of order or beyond ±${MAX_INDEX}`;
      if (!(n >= 0 && Number.isFinite(n))) return `bucket ${index} has a count of ${n}`;
      if (!h.float && !Number.isInteger(n)) return `bucket ${index} of an integer histogram counts ${n}`;
      last = index;
      observed += n;
    }
  }
  // Float sums drift by rounding; a NaN sum means Prometheus does not check (it cannot tell).
  if (!Number.isNaN(sum) && observed > count * (h.float ? 1 + 1e-9 : 1))
    return `its buckets hold ${observed} observations but its count is ${count}`;
  return undefined;
}

/** Throws the 400 for a native histogram of `name` that cannot be stored. */
export function checkNative(name: string, h: NativeHistogram, count: number, sum: number): void {
  const problem = nativeProblem(h, count, sum);
  if (problem) throw invalidPush(`native histogram ${name}: ${problem}`);
}

/**
 * The native parts as one value of a sample line, which is how the persistence log keeps them:
 * `{schema:3,zero_threshold:1e-128,zero_count:0,float:0,positive:[-1:2,4:1],negative:[]}` (no
 * blanks, so the line reads as name, labels and one value). The text exposition format has no
 * such value; the log is the only place it is read.
 */
export function nativeText(h: NativeHistogram): string {
  const side = (buckets: Array<[number, number]>) =>
    buckets.map(([i, n]) => `${i}:${formatValue(n)}`).join(',');
  return `{schema:${h.schema},zero_threshold:${formatValue(h.zeroThreshold)},zero_count:${formatValue(h.zeroCount)},float:${h.float ? 1 : 0},positive:[${side(h.positive)}],negative:[${side(h.negative)}]}`;
}

const NATIVE_TEXT =
  /^\{schema:(-?\d+),zero_threshold:([^,]+),zero_count:([^,]+),float:([01]),positive:\[([^\]]*)\],negative:\[([^\]]*)\]\}$/;

/** Reads what `nativeText` wrote; undefined when `text` is not that. */
export function parseNativeText(text: string): NativeHistogram | undefined {
  const m = NATIVE_TEXT.exec(text);
  if (!m) return undefined;
  const side = (list: string): Array<[number, number]> | undefined => {
    const out: Array<[number, number]> = [];
    for (const pair of list ? list.split(',') : []) {
      const colon = pair.indexOf(':');
      const index = Number(pair.slice(0, colon));
      const n = parseFloatValue(pair.slice(colon + 1));
      if (colon < 1 || !Number.isInteger(index) || n === undefined) return undefined;
      out.push([index, n]);
    }
    return out;
  };
  const positive = side(m[5]!);
  const negative = side(m[6]!);
  const zeroThreshold = parseFloatValue(m[2]!);
  const zeroCount = parseFloatValue(m[3]!);
  if (!positive || !negative || zeroThreshold === undefined || zeroCount === undefined) return undefined;
  return { schema: Number(m[1]), zeroThreshold, zeroCount, float: m[4] === '1', positive, negative };
}

/** Buckets at a coarser schema: every 2^(from − to) neighbours merged into one, as Prometheus reduces. */
export function reduceSchema(
  buckets: Array<[number, number]>,
  from: number,
  to: number,
): Array<[number, number]> {
  if (from === to) return buckets.map(([index, n]) => [index, n]);
  const factor = 2 ** (from - to);
  const out: Array<[number, number]> = [];
  for (const [index, n] of buckets) {
    // Division, not a shift: an index from the wire may be beyond 32 bits' reach.
    const target = Math.floor((index - 1) / factor) + 1;
    const last = out[out.length - 1];
    if (last && last[0] === target) last[1] += n;
    else out.push([target, n]);
  }
  return out;
}

/** A bucket's upper bound (of its absolute value) at `schema`. */
const upperBound = (index: number, schema: number) => 2 ** (index * 2 ** -schema);

/** Moves the buckets lying wholly inside the zero bucket into it; returns what they held. */
function foldIntoZero(buckets: Array<[number, number]>, schema: number, threshold: number) {
  let folded = 0;
  let inside = 0;
  while (inside < buckets.length && upperBound(buckets[inside]![0], schema) <= threshold)
    folded += buckets[inside++]![1];
  buckets.splice(0, inside);
  return folded;
}

function addBuckets(a: Array<[number, number]>, b: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x[0] < y[0])) {
      out.push([x![0], x![1]]);
      i++;
    } else if (x === undefined || y[0] < x[0]) {
      out.push([y[0], y[1]]);
      j++;
    } else {
      out.push([x[0], x[1] + y[1]]);
      i++;
      j++;
    }
  }
  return out;
}

/**
 * The sum of two native histograms' buckets (a delta added to a running total): at the coarser
 * schema of the two and the wider zero bucket, as Prometheus adds histograms.
 */
export function addNative(a: NativeHistogram, b: NativeHistogram): NativeHistogram {
  const schema = Math.min(a.schema, b.schema);
  const zeroThreshold = Math.max(a.zeroThreshold, b.zeroThreshold);
  let zeroCount = a.zeroCount + b.zeroCount;
  const sides = [a, b].map((h) => {
    const positive = reduceSchema(h.positive, h.schema, schema);
    const negative = reduceSchema(h.negative, h.schema, schema);
    zeroCount +=
      foldIntoZero(positive, schema, zeroThreshold) + foldIntoZero(negative, schema, zeroThreshold);
    return { positive, negative };
  });
  return {
    schema,
    zeroThreshold,
    zeroCount,
    float: a.float || b.float,
    positive: addBuckets(sides[0]!.positive, sides[1]!.positive),
    negative: addBuckets(sides[0]!.negative, sides[1]!.negative),
  };
}

/** Spans and counts as metrics.proto carries them: runs of consecutive indexes, gaps as offsets. */
export function toSpans(buckets: Array<[number, number]>): {
  spans: Array<{ offset: number; length: number }>;
  counts: number[];
} {
  const spans: Array<{ offset: number; length: number }> = [];
  const counts: number[] = [];
  let next = 0;
  for (const [index, n] of buckets) {
    const last = spans[spans.length - 1];
    if (last && index === next) last.length++;
    else spans.push({ offset: index - (spans.length ? next : 0), length: 1 });
    counts.push(n);
    next = index + 1;
  }
  return { spans, counts };
}

/** Buckets from metrics.proto's spans and absolute counts; undefined when the two disagree in length. */
export function fromSpans(
  spans: ReadonlyArray<{ offset?: number; length?: number }>,
  counts: readonly number[],
): Array<[number, number]> | undefined {
  const out: Array<[number, number]> = [];
  let index = 0;
  let at = 0;
  for (const span of spans) {
    // The first span's offset is its first index; each later one's, the gap after the one before.
    index += span.offset ?? 0;
    for (let n = 0; n < (span.length ?? 0); n++) {
      if (at >= counts.length || Math.abs(index) > MAX_INDEX) return undefined;
      out.push([index++, counts[at++]!]);
    }
  }
  return at === counts.length ? out : undefined;
}
