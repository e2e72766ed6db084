import { familyHeader, formatValue, labelPairs } from '@brainbytes/telemetry/metrics';
import protobuf from 'protobufjs/light.js';
import { HttpError } from '../http/http-error';
import { METRICS_PROTO } from './metrics-proto';
import { isLabelName, isMetricName, isReservedLabelName } from './names';
import { fromSpans, type NativeHistogram, nativeBuckets, nativeText } from './native';
import type { ParsedPush, ParseLimits } from './parse';
import type { Labels, MetricFamily as ParsedFamily } from './types';

/**
 * Pushes in the protobuf delimited format (`application/vnd.google.protobuf;
 * proto=io.prometheus.client.MetricFamily; encoding=delimited`), client_golang's and the Java
 * client's default: decoded with protobufjs against the schema of client_model's metrics.proto and
 * written out as the text exposition format, so a protobuf push meets exactly the validation,
 * limits, persistence and replication of a text push.
 *
 * Native histograms (schema, zero bucket, spans) have no line in the text format: their buckets
 * travel in the log as a line of its own (exposition/native.ts), beside the classic lines a text
 * scraper is served (the classic buckets, or only `+Inf`, with `_sum` and `_count`, as the Go
 * encoder writes them).
 */
const root = protobuf.Root.fromJSON(METRICS_PROTO);
const MetricType = root.lookupType('io.prometheus.client.Metric');

interface Num {
  toString(): string;
}
type Value = { value?: number } | null | undefined;
interface Histogram {
  sampleCount?: number | Num;
  sampleCountFloat?: number;
  sampleSum?: number;
  bucket?: Array<{ cumulativeCount?: number | Num; cumulativeCountFloat?: number; upperBound?: number }>;
  schema?: number;
  zeroThreshold?: number;
  zeroCount?: number | Num;
  zeroCountFloat?: number;
  negativeSpan?: Span[];
  negativeDelta?: Array<number | Num>;
  negativeCount?: number[];
  positiveSpan?: Span[];
  positiveDelta?: Array<number | Num>;
  positiveCount?: number[];
}
type Span = { offset?: number; length?: number };
interface Metric {
  label?: Array<{ name?: string; value?: string }>;
  gauge?: Value;
  counter?: Value;
  untyped?: Value;
  summary?: {
    sampleCount?: number | Num;
    sampleSum?: number;
    quantile?: Array<{ quantile?: number; value?: number }>;
  } | null;
  histogram?: Histogram | null;
  timestampMs?: number | Num;
}

const TYPES = ['counter', 'gauge', 'summary', 'untyped', 'histogram', 'gaugehistogram'] as const;
/** uint64 and int64 arrive as numbers, or as Long objects when long.js is installed. */
const num = (v: number | Num | undefined): number =>
  typeof v === 'number' ? v : v ? Number(v.toString()) : 0;
const has = (o: object | null | undefined, key: string) => !!o && Object.hasOwn(o, key);

/** Whether a histogram carries native (sparse) parts, which only protobuf can hold. */
function isNative(h: Histogram): boolean {
  return has(h, 'schema') || has(h, 'zeroThreshold') || !!h.positiveSpan?.length || !!h.negativeSpan?.length;
}

/** A histogram's native parts, counts made absolute; a 400 when its spans and counts disagree. */
function nativeOf(name: string, h: Histogram): NativeHistogram {
  // As Prometheus reads it: a float histogram is one whose count or zero count is a float.
  const float = (h.sampleCountFloat ?? 0) > 0 || (h.zeroCountFloat ?? 0) > 0;
  const side = (which: string, spans?: Span[], deltas?: Array<number | Num>, counts?: number[]) => {
    if (float ? deltas?.length : counts?.length)
      throw new HttpError(
        400,
        `native histogram ${name} mixes integer and float counts in its ${which} buckets`,
      );
    let running = 0;
    const absolute = float ? (counts ?? []) : (deltas ?? []).map((d) => (running += num(d)));
    const buckets = fromSpans(spans ?? [], absolute);
    if (!buckets)
      throw new HttpError(
        400,
        `native histogram ${name}: its ${which} spans do not cover its ${absolute.length} bucket counts exactly`,
      );
    return buckets;
  };
  return {
    schema: h.schema ?? 0,
    zeroThreshold: h.zeroThreshold ?? 0,
    zeroCount: float ? (h.zeroCountFloat ?? 0) : num(h.zeroCount),
    float,
    positive: side('positive', h.positiveSpan, h.positiveDelta, h.positiveCount),
    negative: side('negative', h.negativeSpan, h.negativeDelta, h.negativeCount),
  };
}

/** Whether a Content-Type names the protobuf delimited push format. */
export function isProtobufPush(contentType: string): boolean {
  return /^application\/vnd\.google\.protobuf\b/i.test(contentType.trim());
}

/** Checks the Content-Type's parameters: only delimited MetricFamily messages are pushes. */
export function checkProtobufContentType(contentType: string): void {
  const params = new Map(
    contentType
      .split(';')
      .slice(1)
      .map((p) => p.trim().split('=') as [string, string?])
      .map(([k, v]) => [k.toLowerCase(), (v ?? '').replace(/^"|"$/g, '')]),
  );
  if (params.get('proto') !== 'io.prometheus.client.MetricFamily' || params.get('encoding') !== 'delimited')
    throw new HttpError(
      415,
      'protobuf pushes must be Content-Type: application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
    );
}

/**
 * Decodes a delimited stream of MetricFamily messages and writes it as text exposition 0.0.4.
 * Alongside: the push as the parser would read that text, when given the store's parse limits and
 * when nothing in it comes near a rule of the parser (a name or label it would refuse, a limit, a
 * duplicate, a suffix clash, a HELP the format cannot carry as it is); else undefined, and the
 * parser itself decides. The text is what the persistence log keeps and replays; a test holds the
 * two equal.
 *
 * A family's own fields are read first and its metrics decoded one at a time from their places in
 * the body, so a 4 MiB family of 300,000 tiny metrics costs a list of offsets, not 300,000 decoded
 * objects at once; the text written stops at `limitBytes` (413).
 */
export function decodeProtobufPush(
  body: Uint8Array,
  limitBytes: number,
  limits?: ParseLimits,
): { text: string; parsed: ParsedPush | undefined; native: boolean } {
  const reader = protobuf.Reader.create(body);
  const out: Out = {
    text: '',
    size: 0,
    exact: false,
    limitBytes,
    limits,
    direct: limits !== undefined,
    native: false,
    parsed: { families: new Map(), hasTimestamp: false, sampleCount: 0 },
  };
  while (reader.pos < reader.len) {
    const at = reader.pos;
    try {
      const length = reader.uint32();
      const end = reader.pos + length;
      if (end > reader.len) throw new Error('the message runs past the end of the body');
      const family = scanFamily(reader, end);
      familyText(body, family, out);
      reader.pos = end;
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(
        400,
        `body is not a stream of delimited io.prometheus.client.MetricFamily messages (at byte ${at}): ${(error as Error).message}`,
      );
    }
  }
  const direct =
    out.direct && out.parsed.sampleCount <= (limits?.maxSamples ?? 0) && !suffixClash(out.parsed);
  return { text: out.text, parsed: direct ? out.parsed : undefined, native: out.native };
}

interface Out {
  text: string;
  /** UTF-8 bytes of `text`, counted once `exact` (near the limit). */
  size: number;
  exact: boolean;
  limitBytes: number;
  limits: ParseLimits | undefined;
  /** Still true while everything decoded is plainly what the parser would read. */
  direct: boolean;
  /** A native histogram was written: the text is for the parser's `native` reading. */
  native: boolean;
  parsed: ParsedPush;
}

/** A family named like another's `_sum`, `_count` or `_bucket`: the parser's business. */
function suffixClash(parsed: ParsedPush): boolean {
  for (const name of parsed.families.keys()) {
    const suffix = /_(bucket|sum|count)$/.exec(name);
    if (suffix && parsed.families.has(name.slice(0, suffix.index))) return true;
  }
  return false;
}

/** HELP text the format carries unchanged: no leading blank, no line terminator a regex's `.` stops at. */
const plainHelp = (help: string) => help === help.trimStart() && !/[\r\u2028\u2029]/.test(help);

interface ScannedFamily {
  name: string;
  help: string | undefined;
  type: number;
  /** Start and length of each Metric message in the body, as pairs. */
  metrics: Uint32Array;
  count: number;
}

/** A family's name, help and type, and where its metrics are (MetricFamily fields 1 to 4). */
function scanFamily(reader: protobuf.Reader, end: number): ScannedFamily {
  const family: ScannedFamily = {
    name: '',
    help: undefined,
    type: 3,
    metrics: new Uint32Array(64),
    count: 0,
  };
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === 2) family.name = reader.string();
    else if (field === 2 && wire === 2) family.help = reader.string();
    else if (field === 3 && wire === 0) family.type = reader.int32();
    else if (field === 4 && wire === 2) {
      const length = reader.uint32();
      if (family.count * 2 + 2 > family.metrics.length) {
        const grown = new Uint32Array(family.metrics.length * 2);
        grown.set(family.metrics);
        family.metrics = grown;
      }
      family.metrics[family.count * 2] = reader.pos;
      family.metrics[family.count * 2 + 1] = length;
      family.count++;
      reader.pos += length;
    } else reader.skipType(wire);
  }
  if (reader.pos !== end) throw new Error('a field runs past the end of its message');
  return family;
}

function familyText(body: Uint8Array, family: ScannedFamily, out: Out): void {
  const { name } = family;
  if (!name) throw new HttpError(400, 'a protobuf MetricFamily has no name');
  const type = TYPES[family.type];
  if (!type) throw new HttpError(400, `metric family ${name} has an unknown type ${family.type}`);
  if (type === 'gaugehistogram')
    throw new HttpError(
      415,
      `metric family ${name} is a gauge histogram, which the text exposition format cannot carry; push it as a gauge or histogram`,
    );
  const write = (text: string) => {
    out.text += text;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: bytes are counted only once the text could be
    // near the limit (all of it once, then line by line).
    if (out.text.length * 3 <= out.limitBytes) return;
    out.size = out.exact ? out.size + Buffer.byteLength(text) : Buffer.byteLength(out.text);
    out.exact = true;
    // The decoded push is what the gateway holds: it meets the body limit too.
    if (out.size > out.limitBytes)
      throw new HttpError(
        413,
        `the decoded protobuf push is larger than ${out.limitBytes} bytes (PUSHGATEWAY_MAX_BODY_BYTES)`,
        'body_size',
      );
  };
  write(familyHeader(name, type, family.help));
  const limits = out.limits;
  const maxName = limits?.maxMetricNameLength ?? Number.POSITIVE_INFINITY;
  if (
    out.direct &&
    (out.parsed.families.has(name) ||
      !isMetricName(name) ||
      name.length + 7 > maxName ||
      (family.help !== undefined &&
        (family.help.length > (limits?.maxHelpLength ?? Number.POSITIVE_INFINITY) ||
          !plainHelp(family.help))))
  )
    out.direct = false;
  const parsedFamily: ParsedFamily = { name, type, help: family.help, metrics: [] };
  const signatures = new Set<string>();
  for (let i = 0; i < family.count * 2; i += 2) {
    const start = family.metrics[i]!;
    const bytes = body.subarray(start, start + family.metrics[i + 1]!);
    // A metric smaller than the bound cannot hold more bucket bytes than it: walked only when larger.
    const maxBucketBytes = (limits?.maxSamples ?? DEFAULT_MAX_BUCKETS) * 10;
    if (bytes.length > maxBucketBytes) checkBucketBytes(name, bytes, maxBucketBytes);
    const metric = MetricType.decode(bytes) as unknown as Metric;
    const labels: Array<[string, string]> = (metric.label ?? []).map((l) => [l.name ?? '', l.value ?? '']);
    const ts = has(metric, 'timestampMs') ? ` ${num(metric.timestampMs)}` : '';
    if (out.direct) out.direct = plainLabels(labels, type, limits!, signatures);
    out.parsed.hasTimestamp ||= ts !== '';
    const pairs = labelPairs(labels);
    const line = (suffix: string, value: number, extra?: [string, string]) => {
      const all = extra ? (pairs ? `${pairs},${labelPairs([extra])}` : labelPairs([extra])) : pairs;
      write(`${name}${suffix}${all ? `{${all}}` : ''} ${formatValue(value)}${ts}\n`);
    };
    const missing = () => new HttpError(400, `a ${type} sample of ${name} has no ${type} value`);
    switch (type) {
      case 'counter':
      case 'gauge':
      case 'untyped': {
        const held = metric[type];
        if (!held) throw missing();
        line('', held.value ?? 0);
        parsedFamily.metrics.push({ labels, value: (held.value ?? 0) + 0, sum: 0, count: 0 });
        out.parsed.sampleCount++;
        break;
      }
      case 'summary': {
        const s = metric.summary;
        if (!s) throw missing();
        const quantiles = new Map<number, number>();
        for (const q of s.quantile ?? []) {
          line('', q.value ?? 0, ['quantile', formatValue(q.quantile ?? 0)]);
          if (quantiles.has(q.quantile ?? 0)) out.direct = false;
          quantiles.set(q.quantile ?? 0, (q.value ?? 0) + 0);
        }
        line('_sum', s.sampleSum ?? 0);
        line('_count', num(s.sampleCount));
        parsedFamily.metrics.push({
          labels: sortedCopy(labels),
          value: 0,
          quantiles,
          sum: (s.sampleSum ?? 0) + 0,
          count: num(s.sampleCount) + 0,
        });
        out.parsed.sampleCount += quantiles.size + 2;
        break;
      }
      case 'histogram': {
        const h = metric.histogram;
        if (!h) throw missing();
        const native = isNative(h) ? nativeOf(name, h) : undefined;
        const count = (h.sampleCountFloat ?? 0) > 0 ? h.sampleCountFloat! : num(h.sampleCount);
        const buckets = new Map<number, number>();
        for (const b of h.bucket ?? []) {
          const bound = b.upperBound ?? 0;
          const cumulative =
            (b.cumulativeCountFloat ?? 0) > 0 ? b.cumulativeCountFloat! : num(b.cumulativeCount);
          line('_bucket', cumulative, ['le', formatValue(bound)]);
          if (buckets.has(bound) || Number.isNaN(bound)) out.direct = false;
          buckets.set(bound, cumulative + 0);
        }
        // The +Inf bucket is optional in protobuf and required in text: it holds every sample.
        if (!buckets.has(Number.POSITIVE_INFINITY)) {
          line('_bucket', count, ['le', '+Inf']);
          buckets.set(Number.POSITIVE_INFINITY, count);
        }
        line('_sum', h.sampleSum ?? 0);
        line('_count', count);
        if (native) {
          // Braces even when empty: the value starts with one too.
          write(`${name}{${pairs}} ${nativeText(native)}\n`);
          out.native = true;
        }
        parsedFamily.metrics.push({
          labels: sortedCopy(labels),
          value: 0,
          buckets,
          sum: (h.sampleSum ?? 0) + 0,
          count: count + 0,
          ...(native ? { native } : {}),
        });
        out.parsed.sampleCount += buckets.size + 2 + (native ? 1 + nativeBuckets(native) : 0);
        break;
      }
    }
  }
  // The parser keeps no family without samples.
  if (parsedFamily.metrics.length) out.parsed.families.set(name, parsedFamily);
}

/** Without parse limits (tests), buckets are bounded as the default PUSHGATEWAY_MAX_SERIES_PER_PUSH bounds them. */
const DEFAULT_MAX_BUCKETS = 10_000;
/** Histogram fields that repeat per bucket: classic buckets, and native spans, deltas and counts. */
const BUCKET_FIELDS = new Set([3, 9, 10, 11, 12, 13, 14]);

/** Bytes of the length-delimited fields `wanted` in the message from the reader's position to `end`. */
function delimitedBytes(reader: protobuf.Reader, end: number, wanted: (field: number) => boolean): number {
  let total = 0;
  while (reader.pos < end) {
    const tag = reader.uint32();
    if ((tag & 7) === 2 && wanted(tag >>> 3)) {
      const length = reader.uint32();
      total += length;
      reader.pos += length;
    } else reader.skipType(tag & 7);
  }
  return total;
}

/**
 * A histogram's buckets take a byte each at least: their bytes are bounded on the wire (413) before
 * the metric is decoded, so one metric of a 4 MiB push cannot become millions of objects.
 */
function checkBucketBytes(name: string, metric: Uint8Array, max: number) {
  const reader = protobuf.Reader.create(metric);
  let histogram = 0;
  while (reader.pos < metric.length) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 7 || (tag & 7) !== 2) {
      reader.skipType(tag & 7);
      continue;
    }
    const end = reader.uint32() + reader.pos;
    histogram += delimitedBytes(reader, Math.min(end, metric.length), (field) => BUCKET_FIELDS.has(field));
  }
  if (histogram > max)
    throw new HttpError(
      413,
      `a histogram of ${name} holds ${histogram} bytes of buckets, more than ${max} (ten per sample PUSHGATEWAY_MAX_SERIES_PER_PUSH allows)`,
      'series_per_push',
    );
}

const byName = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
/** The parser sorts a histogram's or summary's labels (it groups their lines by them). */
const sortedCopy = (labels: Labels): Labels => [...labels].sort(byName);

/**
 * Labels the parser takes as they are: valid, unreserved names within the limits, none twice, no
 * bound label; for a histogram or summary (whose lines the parser groups by labels) no series twice.
 */
function plainLabels(labels: Labels, type: string, limits: ParseLimits, signatures: Set<string>): boolean {
  for (let i = 0; i < labels.length; i++) {
    const [name, value] = labels[i]!;
    if (!isLabelName(name) || isReservedLabelName(name)) return false;
    if (name.length > limits.maxLabelNameLength || value.length > limits.maxLabelValueLength) return false;
    for (let j = 0; j < i; j++) if (labels[j]![0] === name) return false;
  }
  if (type !== 'histogram' && type !== 'summary') return true;
  const bound = type === 'histogram' ? 'le' : 'quantile';
  if (labels.some(([name]) => name === bound)) return false;
  const signature = sortedCopy(labels)
    .map(([n, v]) => `${n}\u0000${v}`)
    .join('\u0001');
  if (signatures.has(signature)) return false;
  signatures.add(signature);
  return true;
}
