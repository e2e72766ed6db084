import { checkNative } from '../exposition/native';
import type { MetricFamily } from '../exposition/types';
import { labelText, withGroupingLabels } from './label-text';
import { inconsistentPush } from './refusal';
import { jsonBytes } from './series-count';
import type { StoredFamily, StoredMetric } from './types';

/** The label a histogram's or summary's own lines carry; nothing else may set it on that family. */
const BOUND_LABEL: Partial<Record<string, string>> = { histogram: 'le', summary: 'quantile' };

/**
 * Turns parsed families into stored ones for a group: grouping labels applied, series keyed,
 * a histogram's missing +Inf bucket filled from its count (as the Go encoder does), and a
 * series repeated within the push refused.
 */
export function normalizeFamilies(
  families: Map<string, MetricFamily>,
  grouping: Array<[string, string]>,
): Map<string, StoredFamily> {
  const stored = new Map<string, StoredFamily>();
  for (const family of families.values()) {
    const bound = BOUND_LABEL[family.type];
    if (bound && grouping.some(([name]) => name === bound)) {
      throw inconsistentPush(
        `grouping label "${bound}" in the path clashes with the "${bound}" label of ${family.type} "${family.name}"`,
      );
    }
    const metrics = new Map<string, StoredMetric>();
    for (const metric of family.metrics) {
      const key = labelText(withGroupingLabels(metric.labels, grouping));
      if (metrics.has(key)) {
        throw inconsistentPush(
          `collected metric "${family.name}" {${key}} was collected before with the same name and label values`,
        );
      }
      const points = metric.buckets ?? metric.quantiles;
      if (metric.buckets && !metric.buckets.has(Number.POSITIVE_INFINITY)) {
        metric.buckets.set(Number.POSITIVE_INFINITY, metric.count);
      }
      const sortedPoints = points && new Map([...points].sort((a, b) => a[0] - b[0]));
      const stored: StoredMetric = {
        key,
        keyBytes: jsonBytes(key),
        value: metric.value,
        points: sortedPoints,
        sum: metric.sum,
        count: metric.count,
      };
      if (metric.native) {
        checkNative(family.name, metric.native, metric.count, metric.sum);
        stored.native = metric.native;
      }
      metrics.set(key, stored);
    }
    stored.set(family.name, { name: family.name, type: family.type, help: family.help, metrics });
  }
  return stored;
}
