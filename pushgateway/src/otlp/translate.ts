import { familyHeader, formatValue, labelPairs } from '@brainbytes/telemetry/metrics';
import {
  addNative,
  MAX_SCHEMA,
  MIN_SCHEMA,
  type NativeHistogram,
  nativeBuckets,
  nativeProblem,
  nativeText,
  reduceSchema,
} from '../exposition/native';
import type { ParsedPush, ParseLimits } from '../exposition/parse';
import type { Labels, Metric, MetricFamily } from '../exposition/types';
import { HttpError } from '../http/http-error';
import { type AnyValue, type KeyValue, num, type OtlpMetric, type OtlpResource, type Point } from './decode';
import { labelName, metricName } from './names';

/**
 * OTLP metrics as pushes the store already knows: one text push per group and mode. Delta sums
 * and histograms become a delta push (added into running totals) to the group of the resource's
 * `job`, without `service.instance.id` unless asked, so short-lived sandboxes add up into one series;
 * everything else (cumulative sums, gauges, summaries) becomes an ordinary POST to the group of
 * `job` and `instance`, stored as pushed. Points that cannot be stored are counted and explained,
 * for OTLP's partial success, never dropped silently.
 */
export interface OtlpOptions {
  /** PUSHGATEWAY_OTLP_DELTA_INSTANCE=keep: delta data keeps `instance` (one group per sandbox). */
  keepDeltaInstance: boolean;
  maxLabelValueLength: number;
  /** The store's parse limits: within them, a push is handed over already parsed. */
  parseLimits: ParseLimits;
}

export interface OtlpPush {
  group: Labels;
  delta: boolean;
  text: string;
  /**
   * The text as the store's parser reads it, built alongside it; undefined when the push comes near
   * a rule the parser enforces (a limit, a suffix clash), so the parser itself decides.
   */
  parsed: ParsedPush | undefined;
  /** Data points this push carries: all of them rejected if the store refuses it. */
  points: number;
  /** The text carries native histograms (exponential ones): the parser reads it with `native`. */
  native: boolean;
}

export interface Translation {
  pushes: OtlpPush[];
  points: number;
  rejected: number;
  problems: string[];
}

type Type = 'counter' | 'gauge' | 'histogram' | 'summary';
interface Sample {
  labels: Labels;
  value: number;
  buckets?: Array<[number, number]>;
  quantiles?: Array<[number, number]>;
  sum: number;
  count: number;
  native?: NativeHistogram;
}
interface Family {
  type: Type;
  help: string;
  series: Map<string, Sample>;
  /** Data points taken into it (points of one series in one request are one sample). */
  points: number;
}
interface Bucket {
  group: Labels;
  delta: boolean;
  families: Map<string, Family>;
  native?: boolean;
}

const MAX_DEPTH = 8;
const SERVICE = ['service.name', 'service.namespace', 'service.instance.id'];

/** An attribute's value as Prometheus writes it into a label: scalars as text, lists and maps as JSON. */
function valueText(value: AnyValue | null | undefined): string {
  if (!value) return '';
  if (value.stringValue !== undefined && value.stringValue !== null) return String(value.stringValue);
  const json = jsonOf(value, 0);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

function jsonOf(value: AnyValue | null | undefined, depth: number): unknown {
  if (depth > MAX_DEPTH)
    throw new HttpError(400, `an attribute value is nested deeper than ${MAX_DEPTH} levels`);
  if (!value) return null;
  const has = (key: keyof AnyValue) => value[key] !== undefined && value[key] !== null;
  if (has('stringValue')) return String(value.stringValue);
  if (has('boolValue')) return String(value.boolValue);
  if (has('intValue')) return String(value.intValue);
  if (has('doubleValue')) return formatValue(Number(value.doubleValue));
  if (has('bytesValue')) {
    const bytes = value.bytesValue!;
    return typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('base64');
  }
  if (has('arrayValue')) return (value.arrayValue!.values ?? []).map((v) => jsonOf(v, depth + 1));
  if (has('kvlistValue'))
    return Object.fromEntries(
      (value.kvlistValue!.values ?? []).map((kv) => [kv.key ?? '', jsonOf(kv.value, depth + 1)]),
    );
  return null;
}

/** Attribute keys repeat from point to point: their label names are remembered (a bounded map). */
const NAMES = new Map<string, string | undefined>();
function nameOf(key: string): string {
  let name = NAMES.get(key);
  if (name === undefined) {
    name = labelName(key);
    if (name !== undefined) {
      if (NAMES.size >= 4096) NAMES.clear();
      NAMES.set(key, name);
    }
  }
  if (!name)
    throw new HttpError(400, `attribute key "${key.slice(0, 64)}" has no character a label name can keep`);
  return name;
}

const byName = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Attributes as sorted labels; keys that translate to the same name are joined with `;`, as Prometheus does. */
function labelsOf(attributes: KeyValue[] | undefined, skip: readonly string[] = []): Labels {
  const labels: Labels = [];
  let collided = false;
  for (const kv of attributes ?? []) {
    const key = kv.key ?? '';
    if (skip.includes(key)) continue;
    const name = nameOf(key);
    collided ||= labels.some((l) => l[0] === name);
    labels.push([name, valueText(kv.value)]);
  }
  if (!collided) return labels.sort(byName);
  const byLabel = new Map<string, Array<[string, string]>>();
  for (const kv of attributes ?? []) {
    const key = kv.key ?? '';
    if (skip.includes(key)) continue;
    const list = byLabel.get(nameOf(key)) ?? [];
    list.push([key, valueText(kv.value)]);
    byLabel.set(nameOf(key), list);
  }
  return [...byLabel]
    .map(([name, list]): [string, string] => [
      name,
      list
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([, v]) => v)
        .join(';'),
    ])
    .sort(byName);
}

const seriesKey = (labels: Labels) => labels.map(([n, v]) => `${n}\u0000${v}`).join('\u0001');

/** How an OTLP metric is stored, or why it cannot be. */
function plan(metric: OtlpMetric): { type: Type; delta: boolean } | string {
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
function sampleOf(
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
function mergeSample(family: Family, sample: Sample, delta: boolean) {
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

export function translate(resources: OtlpResource[], options: OtlpOptions): Translation {
  const buckets = new Map<string, Bucket>();
  const result: Translation = { pushes: [], points: 0, rejected: 0, problems: [] };
  const problem = (count: number, message: string) => {
    result.rejected += count;
    if (result.problems.length < 5 && !result.problems.includes(message)) result.problems.push(message);
  };
  const bucketOf = (group: Labels, delta: boolean) => {
    const key = `${delta ? 'delta' : 'ordinary'}\u0000${seriesKey(group)}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { group, delta, families: new Map() };
      buckets.set(key, bucket);
    }
    return bucket;
  };

  for (const resource of resources) {
    const attribute = (key: string) => {
      const found = resource.attributes.findLast((kv) => kv.key === key);
      return found ? valueText(found.value) : '';
    };
    const service = attribute('service.name') || 'unknown_service';
    const namespace = attribute('service.namespace');
    const job = namespace ? `${namespace}/${service}` : service;
    const instance = attribute('service.instance.id');
    const points = resource.metrics.reduce((n, m) => n + m.pointCount, 0);
    result.points += points;
    const tooLong = [job, instance].find((v) => v.length > options.maxLabelValueLength);
    if (tooLong !== undefined) {
      problem(
        points,
        `a resource's job or instance is longer than ${options.maxLabelValueLength} characters (PUSHGATEWAY_MAX_LABEL_VALUE_LENGTH)`,
      );
      continue;
    }
    const withInstance: Labels = instance
      ? [
          ['job', job],
          ['instance', instance],
        ]
      : [['job', job]];
    const groupOf = (delta: boolean): Labels =>
      delta && !options.keepDeltaInstance ? [['job', job]] : withInstance;

    let instanceGroupUsed = false;
    for (const metric of resource.metrics) {
      const how = plan(metric);
      if (typeof how === 'string') {
        problem(metric.pointCount, how);
        continue;
      }
      const name = metricName(
        metric.name,
        metric.unit,
        how.type === 'counter' ? 'counter' : how.type === 'gauge' ? 'gauge' : 'other',
      );
      if (!name) {
        problem(
          metric.pointCount,
          `metric name "${metric.name.slice(0, 64)}" has no character a Prometheus name can keep`,
        );
        continue;
      }
      const group = groupOf(how.delta);
      const bucket = bucketOf(group, how.delta);
      let family = bucket.families.get(name);
      if (family && family.type !== how.type) {
        problem(
          metric.pointCount,
          `two metrics are named "${name}" with different types (${family.type} and ${how.type})`,
        );
        continue;
      }
      if (!family) {
        family = { type: how.type, help: metric.description, series: new Map(), points: 0 };
        bucket.families.set(name, family);
      }
      if (group === withInstance) instanceGroupUsed = true;
      for (const point of metric.points()) {
        // "No recorded value": a series that ended; there is nothing to store.
        if ((Number(point.flags ?? 0) & 1) === 1) continue;
        const exponential = metric.kind === 'exponentialHistogram';
        const sample = sampleOf(
          how.type,
          point,
          labelsOf(point.attributes),
          exponential,
          options.parseLimits.maxSamples,
        );
        if (typeof sample === 'string') {
          problem(1, `${sample} (metric "${metric.name}")`);
          continue;
        }
        mergeSample(family, sample, how.delta);
        family.points++;
        if (sample.native) bucket.native = true;
      }
    }
    // target_info carries the other resource attributes, beside the series that carry `instance`.
    const info = labelsOf(resource.attributes, SERVICE);
    if (instance && instanceGroupUsed && info.length) {
      const bucket = bucketOf(withInstance, false);
      const family: Family = bucket.families.get('target_info') ?? {
        type: 'gauge',
        help: 'Target metadata',
        series: new Map(),
        points: 0,
      };
      bucket.families.set('target_info', family);
      mergeSample(family, { labels: info, value: 1, sum: 0, count: 0 }, false);
    }
  }
  foldGaugesIntoDelta(buckets);
  for (const bucket of buckets.values()) {
    const text = render(bucket);
    let points = 0;
    for (const family of bucket.families.values()) points += family.points;
    if (text)
      result.pushes.push({
        group: bucket.group,
        delta: bucket.delta,
        text,
        parsed: parsedOf(bucket, options.parseLimits),
        points,
        native: bucket.native === true,
      });
  }
  // Delta pushes first: an ordinary push to the same group then leaves it marked as ordinary.
  result.pushes.sort((a, b) => Number(b.delta) - Number(a.delta));
  return result;
}

/**
 * Where a group takes both delta data and gauges (no `service.instance.id`, or it is kept), the
 * gauges ride in the delta push: a delta push sets a gauge to its pushed value, as an ordinary POST
 * does, so one push (one log line, one apply) carries the whole export. Cumulative counters,
 * histograms and summaries stay in their ordinary push: in a delta push they would be added up.
 */
function foldGaugesIntoDelta(buckets: Map<string, Bucket>) {
  for (const [key, ordinary] of buckets) {
    if (ordinary.delta) continue;
    const delta = buckets.get(`delta${key.slice('ordinary'.length)}`);
    if (!delta) continue;
    for (const [name, family] of ordinary.families) {
      if (family.type !== 'gauge' || delta.families.has(name)) continue;
      delta.families.set(name, family);
      ordinary.families.delete(name);
    }
    if (ordinary.families.size === 0) buckets.delete(key);
  }
}

function render(bucket: Bucket): string {
  let text = '';
  for (const [name, family] of bucket.families) {
    if (family.series.size === 0) continue;
    text += familyHeader(name, family.type, family.help || undefined);
    let pairs = '';
    const line = (suffix: string, value: number, extra?: [string, string]) => {
      const all = extra ? (pairs ? `${pairs},${labelPairs([extra])}` : labelPairs([extra])) : pairs;
      text += `${name}${suffix}${all ? `{${all}}` : ''} ${formatValue(value)}\n`;
    };
    for (const s of family.series.values()) {
      pairs = labelPairs(s.labels);
      if (family.type === 'counter' || family.type === 'gauge') line('', s.value);
      else if (family.type === 'summary') {
        for (const [q, v] of s.quantiles ?? []) line('', v, ['quantile', formatValue(q)]);
        line('_sum', s.sum);
        line('_count', s.count);
      } else {
        for (const [bound, c] of s.buckets ?? []) line('_bucket', c, ['le', formatValue(bound)]);
        line('_bucket', s.count, ['le', '+Inf']);
        line('_sum', s.sum);
        line('_count', s.count);
        // Braces even when empty: the value starts with one too.
        if (s.native) text += `${name}{${pairs}} ${nativeText(s.native)}\n`;
      }
    }
  }
  return text;
}

/**
 * What `parseExposition(render(bucket))` returns, without writing and reading the text again (the
 * text is still what the persistence log keeps and replays; a test holds the two equal). Any push
 * near a rule of the parser is left to the parser: a limit, a HELP with leading blanks (the format
 * drops them), a family named like another's `_sum`/`_count`/`_bucket`, `le` or `quantile` labels.
 */
function parsedOf(bucket: Bucket, limits: ParseLimits): ParsedPush | undefined {
  const families = new Map<string, MetricFamily>();
  const maxName = limits.maxMetricNameLength ?? Number.POSITIVE_INFINITY;
  const maxHelp = limits.maxHelpLength ?? Number.POSITIVE_INFINITY;
  let sampleCount = 0;
  for (const [name, family] of bucket.families) {
    if (family.series.size === 0) continue;
    if (name.length + 7 > maxName || /_(sum|count|bucket|total)$/.test(name)) {
      // `_total` is common (counters): only a clash with another family of the push matters.
      const base = name.replace(/_(sum|count|bucket|total)$/, '');
      if (name.length + 7 > maxName || (base !== name && bucket.families.has(base))) return undefined;
    }
    const help = family.help || undefined;
    if (
      help !== undefined &&
      (help.length > maxHelp || help !== help.trimStart() || /[\r\u2028\u2029]/.test(help))
    )
      return undefined;
    const metrics: Metric[] = [];
    for (const s of family.series.values()) {
      for (const [label, value] of s.labels) {
        if (label.length > limits.maxLabelNameLength || value.length > limits.maxLabelValueLength)
          return undefined;
        if (label === 'le' || label === 'quantile') return undefined;
      }
      if (family.type === 'counter' || family.type === 'gauge') {
        metrics.push({ labels: s.labels, value: s.value + 0, sum: 0, count: 0 });
        sampleCount++;
      } else if (family.type === 'summary') {
        metrics.push({
          labels: s.labels,
          value: 0,
          quantiles: new Map(s.quantiles?.map(([q, v]) => [q, v + 0])),
          sum: s.sum + 0,
          count: s.count + 0,
        });
        // The parser refuses a quantile given twice.
        if (metrics.at(-1)!.quantiles!.size !== (s.quantiles?.length ?? 0)) return undefined;
        sampleCount += (s.quantiles?.length ?? 0) + 2;
      } else {
        const buckets = new Map(s.buckets?.map(([b, c]) => [b, c + 0]));
        buckets.set(Number.POSITIVE_INFINITY, s.count + 0);
        metrics.push({
          labels: s.labels,
          value: 0,
          buckets,
          sum: s.sum + 0,
          count: s.count + 0,
          ...(s.native ? { native: s.native } : {}),
        });
        sampleCount += buckets.size + 2 + (s.native ? 1 + nativeBuckets(s.native) : 0);
      }
    }
    families.set(name, { name, type: family.type, help, metrics });
  }
  if (sampleCount > limits.maxSamples) return undefined;
  return { families, hasTimestamp: false, sampleCount };
}
