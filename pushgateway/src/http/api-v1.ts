import { formatValue } from '@brainbytes/telemetry/metrics';
import { MetricStore } from '../store/metric-store';
import { PUSH_FAILURE_TIME_HELP, PUSH_TIME_HELP } from '../store/render';
import type { Group, StoredFamily } from '../store/types';

/** Label text `a="1",b="x"` (as stored) back to an object; values are escaped only for `\`, `"`, newline. */
function labelsOf(key: string): Record<string, string> {
  const labels: Record<string, string> = Object.create(null);
  for (const match of key.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

const str = formatValue;

function familyJson(family: StoredFamily, timeStamp: string) {
  const metrics = [...family.metrics.values()].map((m) => {
    const labels = labelsOf(m.key);
    if (!m.points) return { labels, value: str(m.value) };
    const points = Object.fromEntries([...m.points].map(([at, v]) => [str(at), str(v)]));
    return family.type === 'histogram'
      ? { labels, buckets: points, count: str(m.count), sum: str(m.sum) }
      : { labels, quantiles: points, count: str(m.count), sum: str(m.sum) };
  });
  return { time_stamp: timeStamp, type: family.type.toUpperCase(), help: family.help, metrics };
}

/** `GET /api/v1/metrics` in the official gateway's shape: one entry per group. */
export function metricsApiJson(groups: Iterable<Group>) {
  const data = [];
  for (const group of groups) {
    const timeStamp = new Date(group.lastPushMs).toISOString();
    const timeLabels = labelsOf(MetricStore.timeSeriesLabels(group));
    const gauge = (help: string, value: number) => ({
      time_stamp: timeStamp,
      type: 'GAUGE',
      help,
      metrics: [{ labels: timeLabels, value: str(value) }],
    });
    // No prototype: a family named `__proto__` is then an ordinary key, not the object's prototype.
    const entry: Record<string, unknown> = Object.create(null);
    for (const family of group.families.values()) entry[family.name] = familyJson(family, timeStamp);
    // The group's own fields last, so they win; pushes of these names are refused anyway (API_FIELDS in store/consistency.ts).
    Object.assign(entry, {
      labels: Object.assign(Object.create(null), Object.fromEntries(group.labels)),
      last_push_successful: group.pushTime >= group.failureTime,
      push_time_seconds: gauge(PUSH_TIME_HELP, group.pushTime),
      push_failure_time_seconds: gauge(PUSH_FAILURE_TIME_HELP, group.failureTime),
    });
    data.push(entry);
  }
  return { status: 'success', data };
}
