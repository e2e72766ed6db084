import { invalidPush, PushRefused } from '../store/refusal';
import { unescapeText } from './escape';
import { parseFloatValue } from './float';
import { isLabelName, isMetricName } from './names';
import { type NativeHistogram, nativeBuckets, parseNativeText } from './native';
import { type Labels, METRIC_TYPES, type Metric, type MetricFamily, type MetricType } from './types';

export interface ParsedPush {
  families: Map<string, MetricFamily>;
  /** Samples carried timestamps; the gateway refuses those, after parsing, as the official one does. */
  hasTimestamp: boolean;
  sampleCount: number;
}

export interface ParseLimits {
  maxSamples: number;
  maxLabelNameLength: number;
  maxLabelValueLength: number;
  /** Characters of a metric name; a sample line's name (with `_bucket` …) counts too. */
  maxMetricNameLength?: number;
  /** Characters of a HELP text, after unescaping. */
  maxHelpLength?: number;
}

const NO_LIMITS: ParseLimits = {
  maxSamples: Number.POSITIVE_INFINITY,
  maxLabelNameLength: Number.POSITIVE_INFINITY,
  maxLabelValueLength: Number.POSITIVE_INFINITY,
};

const metricNameTooLong = (name: string, max: number) =>
  invalidPush(
    `metric name "${name.slice(0, 64)}…" is longer than ${max} characters (PUSHGATEWAY_MAX_METRIC_NAME_LENGTH)`,
    'name_length',
  );

export const labelNameTooLong = (name: string, where: string, max: number) =>
  invalidPush(
    `label name "${name.slice(0, 64)}…" of ${where} is longer than ${max} characters (PUSHGATEWAY_MAX_LABEL_NAME_LENGTH)`,
    'label_length',
  );
export const labelValueTooLong = (name: string, where: string, max: number) =>
  invalidPush(
    `value of label "${name.slice(0, 64)}" of ${where} is longer than ${max} characters (PUSHGATEWAY_MAX_LABEL_VALUE_LENGTH)`,
    'label_length',
  );

interface SampleLine {
  name: string;
  labels: Labels;
  value: number;
  timestamp: boolean;
  native?: NativeHistogram;
}

/**
 * Parses the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format) into families,
 * folding `_bucket`/`_sum`/`_count` samples into their histogram or summary as the Go parser does.
 * With `native`, a histogram's line under its own name may carry its native buckets as the
 * persistence log writes them (exposition/native.ts); pushed text never does.
 */
export function parseExposition(text: string, limits: ParseLimits = NO_LIMITS, native = false): ParsedPush {
  // The format ends every line, the last one too, with a line feed; the official gateway refuses a
  // body without it, and so do we (a body cut short in transit looks exactly like that).
  if (text.length > 0 && !text.endsWith('\n')) {
    throw invalidPush(
      'text format parsing error: the body must end with a line feed ("\\n") after its last line',
    );
  }
  const families = new Map<string, MetricFamily>();
  const grouped = new Map<string, Map<string, Metric>>();
  const withSamples = new Set<string>();
  let hasTimestamp = false;
  let sampleCount = 0;
  let lineNo = 0;
  let start = 0;
  const maxNameLength = limits.maxMetricNameLength ?? Number.POSITIVE_INFINITY;
  const maxHelpLength = limits.maxHelpLength ?? Number.POSITIVE_INFINITY;

  const familyFor = (name: string): MetricFamily => {
    let family = families.get(name);
    if (!family) {
      family = { name, type: 'untyped', help: undefined, metrics: [] };
      families.set(name, family);
    }
    return family;
  };

  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNo++;
    const line = text.slice(start, end).replace(/^[ \t]+/, '');
    start = end + 1;
    if (line === '') continue;
    const fail = (why: string) => invalidPush(`text format parsing error in line ${lineNo}: ${why}`);

    if (line[0] === '#') {
      const comment = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!comment) continue;
      const [, keyword, name, rest = ''] = comment as unknown as [string, string, string, string | undefined];
      if (!isMetricName(name)) throw fail(`invalid metric name in comment "${name.slice(0, 64)}"`);
      if (name.length > maxNameLength) throw metricNameTooLong(name, maxNameLength);
      const family = familyFor(name);
      if (keyword === 'HELP') {
        if (family.help !== undefined) throw fail(`second HELP line for metric name "${name}"`);
        family.help = unescapeText(rest, false);
        if (family.help.length > maxHelpLength) {
          throw invalidPush(
            `HELP of metric "${name}" is longer than ${maxHelpLength} characters (PUSHGATEWAY_MAX_HELP_LENGTH)`,
            'help_length',
          );
        }
      } else {
        const type = rest.trim();
        if (!METRIC_TYPES.has(type)) throw fail(`unknown metric type "${type}"`);
        if (withSamples.has(name) || family.type !== 'untyped' || grouped.has(name)) {
          throw fail(`second TYPE line for metric name "${name}", or TYPE reported after samples`);
        }
        family.type = type as MetricType;
      }
      continue;
    }

    const sample = parseSampleLine(line, fail, limits, native);
    if (sample.name.length > maxNameLength) throw metricNameTooLong(sample.name, maxNameLength);
    // A native histogram's buckets count as samples: they cost what samples cost.
    sampleCount += sample.native ? nativeBuckets(sample.native) : 0;
    if (++sampleCount > limits.maxSamples) {
      throw new PushRefused(
        'series_per_push',
        `push has more than ${limits.maxSamples} samples (PUSHGATEWAY_MAX_SERIES_PER_PUSH)`,
      );
    }
    hasTimestamp ||= sample.timestamp;
    const family = families.get(ownerName(sample.name, families)) ?? familyFor(sample.name);
    withSamples.add(family.name);
    addSample(family, sample, grouped, fail);
  }
  for (const family of families.values()) {
    if (family.metrics.length === 0 && !withSamples.has(family.name)) families.delete(family.name);
  }
  return { families, hasTimestamp, sampleCount };
}

/** The family a sample belongs to: `x_bucket` to histogram `x`, `x_sum`/`x_count` to histogram or summary `x`. */
function ownerName(sampleName: string, families: Map<string, MetricFamily>): string {
  const suffix = /_(bucket|sum|count)$/.exec(sampleName);
  if (suffix) {
    const base = families.get(sampleName.slice(0, suffix.index));
    if (base?.type === 'histogram') return base.name;
    if (base?.type === 'summary' && suffix[1] !== 'bucket') return base.name;
  }
  return sampleName;
}

function addSample(
  family: MetricFamily,
  sample: SampleLine,
  grouped: Map<string, Map<string, Metric>>,
  fail: (why: string) => Error,
) {
  if (sample.native && (family.type !== 'histogram' || sample.name !== family.name))
    throw fail(`native buckets on "${sample.name}", which is not a histogram`);
  if (family.type !== 'histogram' && family.type !== 'summary') {
    family.metrics.push({ labels: sample.labels, value: sample.value, sum: 0, count: 0 });
    return;
  }
  const boundLabel = family.type === 'histogram' ? 'le' : 'quantile';
  const suffix = sample.name.slice(family.name.length);
  let bound: number | undefined;
  const labels: Labels = [];
  const boundLine = suffix === (family.type === 'histogram' ? '_bucket' : '');
  for (const pair of sample.labels) {
    if (pair[0] !== boundLabel) labels.push(pair);
    else if (!boundLine) {
      // The renderer adds the bound label itself: kept here, the series would carry it twice.
      throw fail(
        `label "${boundLabel}" is not allowed on "${sample.name}" of ${family.type} "${family.name}"`,
      );
    } else {
      bound = parseFloatValue(pair[1]);
      if (bound === undefined)
        throw fail(`expected float as value for "${boundLabel}" label, got "${pair[1]}"`);
    }
  }
  labels.sort(byName);
  const signature = labels.map(([n, v]) => `${n}\u0000${v}`).join('\u0001');
  let byLabels = grouped.get(family.name);
  if (!byLabels) {
    byLabels = new Map();
    grouped.set(family.name, byLabels);
  }
  let metric = byLabels.get(signature);
  if (!metric) {
    metric = { labels, value: 0, sum: 0, count: 0 };
    if (family.type === 'histogram') metric.buckets = new Map();
    else metric.quantiles = new Map();
    byLabels.set(signature, metric);
    family.metrics.push(metric);
  }
  if (sample.native) {
    if (metric.native) throw fail(`second native histogram line for metric "${sample.name}"`);
    metric.native = sample.native;
  } else if (suffix === '_sum') metric.sum = sample.value;
  else if (suffix === '_count') metric.count = sample.value;
  else if (bound !== undefined) {
    const points = (metric.buckets ?? metric.quantiles)!;
    if (points.has(bound)) throw fail(`duplicate ${boundLabel}="${bound}" for metric "${sample.name}"`);
    points.set(bound, sample.value);
  }
  // A bucket without `le` (or a quantile line without `quantile`) carries nothing the Go parser keeps.
}

const byName = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function parseSampleLine(
  line: string,
  fail: (why: string) => Error,
  limits: ParseLimits,
  native: boolean,
): SampleLine {
  let i = 0;
  while (i < line.length && /[a-zA-Z0-9_:]/.test(line[i]!)) i++;
  const name = line.slice(0, i);
  if (!isMetricName(name)) throw fail(`invalid metric name "${name.slice(0, 64) || line.slice(0, 20)}"`);
  const labels: Labels = [];
  if (line[skipBlank(line, i)] === '{') {
    i = skipBlank(line, i);
    i = skipBlank(line, i + 1);
    const seen = new Set<string>();
    while (line[i] !== '}') {
      const nameStart = i;
      while (i < line.length && /[a-zA-Z0-9_]/.test(line[i]!)) i++;
      const labelName = line.slice(nameStart, i);
      if (!isLabelName(labelName)) throw fail(`invalid label name for metric "${name}"`);
      if (labelName.length > limits.maxLabelNameLength) {
        throw labelNameTooLong(labelName, `metric "${name}"`, limits.maxLabelNameLength);
      }
      i = skipBlank(line, i);
      if (line[i] !== '=') throw fail(`expected '=' after label name "${labelName}" of metric "${name}"`);
      i = skipBlank(line, i + 1);
      if (line[i] !== '"')
        throw fail(`expected '"' to start the value of label "${labelName}" of metric "${name}"`);
      const valueStart = ++i;
      while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
      if (i >= line.length) throw fail(`unterminated value of label "${labelName}" of metric "${name}"`);
      const value = unescapeText(line.slice(valueStart, i), true);
      if (value.length > limits.maxLabelValueLength) {
        throw labelValueTooLong(labelName, `metric "${name}"`, limits.maxLabelValueLength);
      }
      if (seen.has(labelName)) throw fail(`duplicate label name "${labelName}" for metric "${name}"`);
      seen.add(labelName);
      labels.push([labelName, value]);
      i = skipBlank(line, i + 1);
      if (line[i] === ',') i = skipBlank(line, i + 1);
      else if (line[i] !== '}') throw fail(`unexpected end of label value for metric "${name}"`);
    }
    i++;
  }
  const rest = line.slice(i);
  const fields = /^[ \t]+(\S+)(?:([ \t]+)(\S*))?[ \t]*$/.exec(rest);
  if (!fields) throw fail(`expected value after metric "${name}"`);
  if (native && fields[1]![0] === '{') {
    const histogram = parseNativeText(fields[1]!);
    if (!histogram) throw fail(`unreadable native histogram "${fields[1]!.slice(0, 64)}"`);
    if (fields[2] !== undefined) throw fail('a native histogram line has no timestamp');
    return { name, labels, value: 0, timestamp: false, native: histogram };
  }
  const value = parseFloatValue(fields[1]!);
  if (value === undefined) throw fail(`expected float as value, got "${fields[1]}"`);
  if (fields[2] !== undefined && !/^-?\d+$/.test(fields[3] ?? '')) {
    throw fail(`expected integer as timestamp, got "${fields[3] ?? ''}"`);
  }
  return { name, labels, value, timestamp: fields[2] !== undefined };
}

function skipBlank(line: string, i: number): number {
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i;
}
