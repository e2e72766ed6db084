import type { Registry } from 'prom-client';
import { CATALOG } from './catalog';
import { familyHeader, formatValue, labelPairs } from './exposition';

const DROPPED = CATALOG.pushDroppedSamples.name;

/** Cumulative values by series (`name{labels}`), as of one collection. */
export type Snapshot = Map<string, number>;

export interface DeltaBody {
  text: string;
  snapshot: Snapshot;
  samples: number;
  /** Samples left out because the push would have carried more than `maxSeries`. */
  dropped: number;
}

type Value = { labels: Record<string, string | number>; value: number; metricName?: string };

const num = formatValue;

function labelText(labels: Record<string, string | number>): string {
  const names = Object.keys(labels).sort();
  return names.length ? `{${labelPairs(names.map((k) => [k, String(labels[k])] as const))}}` : '';
}

function withoutBound(labels: Record<string, string | number>) {
  const { le: _le, quantile: _quantile, ...rest } = labels;
  return rest;
}

/**
 * What changed in `registry` since `acked` (the cumulative values the gateway has confirmed), as
 * a delta push body: counter, histogram and summary sum/count increments; gauge and quantile
 * values as they are now. Unchanged counters and histograms are left out.
 */
export async function collectDelta(
  registry: Registry,
  acked: Snapshot,
  maxSeries: number,
): Promise<DeltaBody> {
  const snapshot: Snapshot = new Map(acked);
  let text = '';
  let samples = 0;
  let dropped = 0;
  const families = await registry.getMetricsAsJSON();
  // The client's own drop counter goes first, so the limit it reports can never starve it.
  families.sort((a, b) => Number(b.name === DROPPED) - Number(a.name === DROPPED));
  for (const family of families) {
    const seen = new Map<string, number>();
    const change = (key: string, current: number) => {
      const before = acked.get(key) ?? 0;
      seen.set(key, current);
      return current >= before ? current - before : current; // a reset registry counts from zero again
    };
    const type = String(family.type);
    const values = family.values as Value[];
    let lines = '';
    if (type === 'gauge') {
      for (const v of values) lines += `${family.name}${labelText(v.labels)} ${num(v.value)}\n`;
    } else if (type === 'counter') {
      for (const v of values) {
        const key = family.name + labelText(v.labels);
        const d = change(key, v.value);
        if (d !== 0) lines += `${key} ${num(d)}\n`;
      }
    } else if (type === 'histogram' || type === 'summary') {
      const sets = new Map<string, Value[]>();
      for (const v of values) {
        const id = labelText(withoutBound(v.labels));
        sets.set(id, [...(sets.get(id) ?? []), v]);
      }
      for (const set of sets.values()) {
        let setLines = '';
        let countChanged = false;
        for (const v of set) {
          const key = (v.metricName ?? family.name) + labelText(v.labels);
          const isQuantile = type === 'summary' && 'quantile' in v.labels;
          if (isQuantile) {
            setLines += `${key} ${num(v.value)}\n`;
            continue;
          }
          const d = change(key, v.value);
          if (v.metricName?.endsWith('_count') && d !== 0) countChanged = true;
          setLines += `${key} ${num(d)}\n`;
        }
        if (countChanged) lines += setLines;
      }
    } else continue;
    if (!lines) continue;
    const count = lines.split('\n').length - 1;
    if (samples + count > maxSeries) {
      dropped += count; // left for a later push: the snapshot keeps the acknowledged values
      continue;
    }
    for (const [key, value] of seen) snapshot.set(key, value);
    samples += count;
    text += familyHeader(family.name, type) + lines;
  }
  return { text, snapshot, samples, dropped };
}
