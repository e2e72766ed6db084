import { addNative } from '../exposition/native';
import type { MetricType } from '../exposition/types';
import type { StoredFamily, StoredMetric } from './types';

/** Why a delta cannot be added (a counter going down), or undefined when it can. */
export function invalidDelta(family: StoredFamily): string | undefined {
  if (family.type !== 'counter' && family.type !== 'histogram' && family.type !== 'summary') return undefined;
  for (const metric of family.metrics.values()) {
    if (family.type === 'counter' && !(metric.value >= 0 && metric.value < Number.POSITIVE_INFINITY)) {
      return `delta of counter "${family.name}" {${metric.key}} is ${metric.value}; counter deltas must be finite and >= 0`;
    }
    // A NaN or an infinity added once would stay in the running total for good.
    if (family.type !== 'counter' && !(Number.isFinite(metric.sum) && Number.isFinite(metric.count))) {
      return `delta of ${family.type} "${family.name}" {${metric.key}} has a sum or count that is not finite`;
    }
    if (family.type === 'summary') continue;
    const bad =
      metric.count < 0 || [...(metric.points?.values() ?? [])].some((v) => !(v >= 0 && Number.isFinite(v)));
    if (bad)
      return `delta of histogram "${family.name}" {${metric.key}} has a negative or non-finite bucket, or a negative count`;
  }
  return undefined;
}

/**
 * Adds a delta push's family into the running totals: counters, histogram buckets, sums and
 * counts add up; gauges, untyped values and summary quantiles take the pushed value.
 */
export function mergeDelta(current: StoredFamily | undefined, delta: StoredFamily): StoredFamily {
  if (!current) return delta;
  current.help = delta.help ?? current.help;
  current.text = undefined;
  for (const metric of delta.metrics.values()) {
    const stored = current.metrics.get(metric.key);
    if (stored) addInto(current.type, stored, metric);
    else current.metrics.set(metric.key, metric);
  }
  return current;
}

function addInto(type: MetricType, stored: StoredMetric, delta: StoredMetric) {
  if (type === 'counter') stored.value += delta.value;
  else if (type === 'histogram') {
    const before = stored.points!.size;
    for (const [bound, count] of delta.points ?? [])
      stored.points!.set(bound, (stored.points!.get(bound) ?? 0) + count);
    if (stored.points!.size !== before) {
      stored.points = new Map([...stored.points!].sort((a, b) => a[0] - b[0]));
    }
    stored.sum += delta.sum;
    stored.count += delta.count;
    // Native buckets add up at the coarser schema of the two; a side without them keeps the
    // other's (the count then covers more than the buckets, which Prometheus allows).
    if (delta.native) stored.native = stored.native ? addNative(stored.native, delta.native) : delta.native;
  } else if (type === 'summary') {
    stored.points = delta.points;
    stored.sum += delta.sum;
    stored.count += delta.count;
  } else stored.value = delta.value;
}
