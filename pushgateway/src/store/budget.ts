import { PushRefused } from './refusal';
import { familyBytes, GROUP_OVERHEAD_BYTES, seriesOf } from './series-count';
import type { Group, StoredFamily } from './types';

interface PushUnderBudget {
  key: string;
  group: Group | undefined;
  incoming: Map<string, StoredFamily>;
  /** Whether the push replaces the group's family of this name (PUT: all of them). */
  replaced: (name: string) => boolean;
  delta: boolean;
}

/**
 * Refuses a push that would take the gateway past PUSHGATEWAY_MAX_SERIES or PUSHGATEWAY_MAX_BYTES:
 * what it adds, less what it replaces, against what is held now. Checked before anything changes,
 * so a refused push leaves the store as it was.
 */
export function checkBudget(
  held: { seriesTotal: number; bytesTotal: number },
  limits: { maxSeries: number; maxBytes: number },
  { key, group, incoming, replaced, delta }: PushUnderBudget,
) {
  let added = 0;
  let removed = 0;
  let addedBytes = group ? 0 : GROUP_OVERHEAD_BYTES + 2 * key.length;
  let removedBytes = 0;
  for (const family of incoming.values()) {
    for (const metric of family.metrics.values()) added += seriesOf(metric);
    addedBytes += familyBytes(family);
  }
  if (group) {
    for (const family of group.families.values()) {
      if (!replaced(family.name)) continue;
      for (const metric of family.metrics.values()) removed += seriesOf(metric);
      removedBytes += familyBytes(family);
    }
  }
  if (delta) added = deltaGrowth(group, incoming);
  if (held.seriesTotal - removed + added > limits.maxSeries) {
    throw new PushRefused(
      'series',
      `the gateway would hold more than ${limits.maxSeries} series (PUSHGATEWAY_MAX_SERIES); push refused`,
    );
  }
  // A delta push grows a stored metric by at most what the pushed one costs: counted in full.
  if (held.bytesTotal - removedBytes + addedBytes > limits.maxBytes) {
    throw new PushRefused(
      'byte_budget',
      `the gateway would hold more than ${limits.maxBytes} bytes of metrics (PUSHGATEWAY_MAX_BYTES); push refused`,
    );
  }
}

/** Series a delta push adds: only label sets and buckets not already stored. */
function deltaGrowth(group: Group | undefined, incoming: Map<string, StoredFamily>): number {
  let growth = 0;
  for (const family of incoming.values()) {
    const current = group?.families.get(family.name);
    for (const metric of family.metrics.values()) {
      const stored = current?.metrics.get(metric.key);
      if (!stored) growth += seriesOf(metric);
      else if (metric.points && stored.points) {
        for (const bound of metric.points.keys()) if (!stored.points.has(bound)) growth++;
      }
    }
  }
  return growth;
}
