import { formatFloat, parseFloatValue } from '../exposition/float';
import type { MetricType } from '../exposition/types';
import type { MetricStore } from '../store/metric-store';
import { signatureOf } from '../store/signature';
import type { Group, StoredFamily, StoredMetric } from '../store/types';

/** JSON has no NaN or Infinity: those travel as their exposition-format strings. */
type Num = number | string;
const enc = (v: number): Num => (Number.isFinite(v) ? v : formatFloat(v));
const dec = (v: Num): number => (typeof v === 'number' ? v : (parseFloatValue(v) ?? Number.NaN));

type SavedMetric = [key: string, value: Num, sum: Num, count: Num, points?: Array<[Num, Num]>];
interface SavedFamily {
  name: string;
  type: MetricType;
  help?: string;
  metrics: SavedMetric[];
}
interface SavedGroup {
  labels: Array<[string, string]>;
  pushTime: number;
  failureTime: number;
  lastPushMs: number;
  delta: boolean;
  families: SavedFamily[];
}
export interface Snapshot {
  version: 1;
  /** The position in the operation log this state includes (a sequence number or a stream id). */
  position: string;
  /** Push ids with their time and (since the fingerprint was added) the fingerprint of their push. */
  pushIds: Array<[string, number, string?]>;
  groups: SavedGroup[];
}

function savedGroup(group: Group): SavedGroup {
  const families: SavedFamily[] = [];
  for (const family of group.families.values()) {
    const metrics: SavedMetric[] = [];
    for (const m of family.metrics.values()) {
      const saved: SavedMetric = [m.key, enc(m.value), enc(m.sum), enc(m.count)];
      if (m.points) saved.push([...m.points].map(([at, v]) => [enc(at), enc(v)]));
      metrics.push(saved);
    }
    families.push({ name: family.name, type: family.type, help: family.help, metrics });
  }
  const { labels, pushTime, failureTime, lastPushMs, delta } = group;
  return { labels, pushTime, failureTime, lastPushMs, delta, families };
}

/**
 * The store as Snapshot JSON, in pieces of about `pieceBytes`: a large store is written without
 * ever holding its whole JSON text in memory.
 */
export function* snapshotJson(store: MetricStore, position: string, pieceBytes = 1 << 20): Generator<string> {
  const head: Omit<Snapshot, 'groups'> = { version: 1, position, pushIds: store.pushIds.entries() };
  let piece = `${JSON.stringify(head).slice(0, -1)},"groups":[`;
  let first = true;
  for (const group of store.groups.values()) {
    piece += (first ? '' : ',') + JSON.stringify(savedGroup(group));
    first = false;
    if (piece.length >= pieceBytes) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}]}`;
}

export function restoreSnapshot(store: MetricStore, snapshot: Snapshot, groupKey: (g: SavedGroup) => string) {
  for (const [id, time, fingerprint] of snapshot.pushIds) store.pushIds.add(id, time, fingerprint);
  for (const saved of snapshot.groups) {
    const families = new Map<string, StoredFamily>();
    for (const f of saved.families) {
      const metrics = new Map<string, StoredMetric>();
      for (const [key, value, sum, count, points] of f.metrics) {
        const metric: StoredMetric = { key, value: dec(value), sum: dec(sum), count: dec(count) };
        if (points) metric.points = new Map(points.map(([at, v]) => [dec(at), dec(v)]));
        metrics.set(key, metric);
      }
      families.set(f.name, { name: f.name, type: f.type, help: f.help, metrics });
    }
    const group: Group = {
      key: groupKey(saved),
      labels: saved.labels,
      signature: signatureOf(saved.labels),
      families,
      pushTime: saved.pushTime,
      failureTime: saved.failureTime,
      lastPushMs: saved.lastPushMs,
      delta: saved.delta,
    };
    store.restoreGroup(group);
  }
}
