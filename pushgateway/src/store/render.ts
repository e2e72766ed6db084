import { familyHeader, formatValue } from '@brainbytes/telemetry';
import { MetricStore } from './metric-store';
import type { Group, StoredFamily } from './types';

export const PUSH_TIME_HELP = 'Last Unix time when changing this group in the Pushgateway succeeded.';
export const PUSH_FAILURE_TIME_HELP = 'Last Unix time when changing this group in the Pushgateway failed.';

/** Sample lines of one stored family in one group, in the text exposition format. */
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

/**
 * Renders every group's families and push times. Each group's rendering of a family is cached on
 * the family, as one flat string, until it changes, so a scrape of a large, mostly idle store is
 * mostly one join.
 */
export class StoreRenderer {
  private sortedNames: string[] = [];
  private namesVersion = -1;

  constructor(private readonly store: MetricStore) {}

  render(): string[] {
    const { store } = this;
    if (store.namesVersion !== this.namesVersion) {
      this.sortedNames = [...store.index.keys()].sort();
      this.namesVersion = store.namesVersion;
    }
    const chunks: string[] = [];
    for (const name of this.sortedNames) {
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
}
