import { familyHeader, formatValue } from '@brainbytes/telemetry/metrics';
import { familyMessage, parseLabelText } from '../exposition/protobuf-exposition';
import type { Metric, MetricType } from '../exposition/types';
import { MetricStore } from './metric-store';
import type { Group, StoredFamily, StoredMetric } from './types';

export const PUSH_TIME_HELP = 'Last Unix time when changing this group in the Pushgateway succeeded.';
export const PUSH_FAILURE_TIME_HELP = 'Last Unix time when changing this group in the Pushgateway failed.';

/**
 * Sample lines of one stored family in one group, in the text exposition format: a native
 * histogram as the Go encoder writes it for text, its classic buckets (or only `+Inf`), sum and count.
 */
export function renderFamilySamples(family: StoredFamily): string {
  const lines: string[] = [];
  const { name } = family;
  for (const metric of family.metrics.values()) {
    if (!metric.points) {
      lines.push(`${name}{${metric.key}} ${formatValue(metric.value)}\n`);
      continue;
    }
    const [line, bound] = family.type === 'histogram' ? [`${name}_bucket`, 'le'] : [name, 'quantile'];
    for (const [at, value] of metric.points) {
      lines.push(`${line}{${metric.key},${bound}="${formatValue(at)}"} ${formatValue(value)}\n`);
    }
    lines.push(`${name}_sum{${metric.key}} ${formatValue(metric.sum)}\n`);
    lines.push(`${name}_count{${metric.key}} ${formatValue(metric.count)}\n`);
  }
  return lines.join('');
}

function timeLines(group: Group): [string, string] {
  if (!group.timeText) {
    const labels = MetricStore.timeSeriesLabels(group);
    group.timeText = [
      [`push_time_seconds{${labels}} `, formatValue(group.pushTime), '\n'].join(''),
      [`push_failure_time_seconds{${labels}} `, formatValue(group.failureTime), '\n'].join(''),
    ];
  }
  return group.timeText;
}

/** Metrics per protobuf message: a message's objects are garbage before V8 promotes them. */
const METRICS_PER_MESSAGE = 256;

function asMetric(type: MetricType, stored: StoredMetric): Metric {
  const metric: Metric = {
    labels: parseLabelText(stored.key),
    value: stored.value,
    sum: stored.sum,
    count: stored.count,
  };
  if (type === 'histogram') metric.buckets = stored.points;
  if (type === 'summary') metric.quantiles = stored.points;
  if (stored.native) metric.native = stored.native;
  return metric;
}

/**
 * Renders every group's families and push times. Each group's rendering of a family is cached on
 * the family, as one flat string, until it changes, so a scrape of a large, mostly idle store is
 * mostly one join.
 */
export class StoreRenderer {
  private sortedNames: string[] = [];
  private namesVersion = -1;

  constructor(private readonly store: MetricStore) {}

  private names(): string[] {
    const { store } = this;
    if (store.namesVersion !== this.namesVersion) {
      this.sortedNames = [...store.index.keys()].sort();
      this.namesVersion = store.namesVersion;
    }
    return this.sortedNames;
  }

  render(): string[] {
    const { store } = this;
    const chunks: string[] = [];
    for (const name of this.names()) {
      const entry = store.index.get(name)!;
      chunks.push(familyHeader(name, entry.type, entry.help));
      for (const family of entry.holders.values()) {
        family.text ??= renderFamilySamples(family);
        chunks.push(family.text);
      }
    }
    if (store.groups.size > 0) {
      chunks.push(familyHeader('push_failure_time_seconds', 'gauge', PUSH_FAILURE_TIME_HELP));
      for (const group of store.groups.values()) chunks.push(timeLines(group)[1]);
      chunks.push(familyHeader('push_time_seconds', 'gauge', PUSH_TIME_HELP));
      for (const group of store.groups.values()) chunks.push(timeLines(group)[0]);
    }
    return chunks;
  }

  /**
   * The same as delimited MetricFamily messages (the protobuf exposition), native histograms
   * included: built from the stored metrics as they are read, a few hundred metrics a message, so
   * a family held by many groups is several messages of one name.
   */
  *renderProtobuf(): Generator<Uint8Array> {
    const { store } = this;
    for (const name of this.names()) {
      // Read between writes to the scraper: a name may be gone by the time it comes.
      const entry = store.index.get(name);
      if (!entry) continue;
      const { type, help } = entry;
      for (const family of entry.holders.values()) {
        let metrics: Metric[] = [];
        for (const stored of family.metrics.values()) {
          metrics.push(asMetric(type, stored));
          if (metrics.length < METRICS_PER_MESSAGE) continue;
          yield familyMessage({ name, type, help, metrics });
          metrics = [];
        }
        if (metrics.length) yield familyMessage({ name, type, help, metrics });
      }
    }
    const groups = [...store.groups.values()];
    for (const [name, help, time] of [
      ['push_failure_time_seconds', PUSH_FAILURE_TIME_HELP, (g: Group) => g.failureTime],
      ['push_time_seconds', PUSH_TIME_HELP, (g: Group) => g.pushTime],
    ] as const) {
      for (let i = 0; i < groups.length; i += METRICS_PER_MESSAGE) {
        const metrics = groups.slice(i, i + METRICS_PER_MESSAGE).map((group) => ({
          labels: parseLabelText(MetricStore.timeSeriesLabels(group)),
          value: time(group),
          sum: 0,
          count: 0,
        }));
        yield familyMessage({ name, type: 'gauge', help, metrics });
      }
    }
  }
}
