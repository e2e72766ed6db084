import { familyHeader, formatValue, labelPairs } from '@brainbytes/telemetry/metrics';
import { nativeBuckets, nativeText } from '../exposition/native';
import type { ParsedPush, ParseLimits } from '../exposition/parse';
import type { Labels, Metric, MetricFamily } from '../exposition/types';
import { labelsOf, seriesKey, valueText } from './attributes';
import type { OtlpResource } from './decode';
import { metricName } from './names';
import { type Family, mergeSample, plan, sampleOf } from './samples';

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

const SERVICE = ['service.name', 'service.namespace', 'service.instance.id'];

interface Bucket {
  group: Labels;
  delta: boolean;
  families: Map<string, Family>;
  native?: boolean;
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
