import { formatValue } from '@brainbytes/telemetry/metrics';
import { parseFloatValue } from '../exposition/float';
import { nativeBuckets } from '../exposition/native';
import type { MetricType } from '../exposition/types';
import type { MetricStore } from '../store/metric-store';
import { jsonBytes } from '../store/series-count';
import { signatureOf } from '../store/signature';
import type { Group, StoredFamily, StoredMetric } from '../store/types';

/** JSON has no NaN or Infinity: those travel as their exposition-format strings. */
type Num = number | string;
const enc = (v: number): Num => (Number.isFinite(v) ? v : formatValue(v));
const dec = (v: Num): number => (typeof v === 'number' ? v : (parseFloatValue(v) ?? Number.NaN));

/** A native histogram: schema, zero threshold, zero count, 1 if float, positive and negative buckets. */
type SavedNative = [
  schema: number,
  zeroThreshold: number,
  zeroCount: number,
  float: 0 | 1,
  Array<[number, number]>,
  Array<[number, number]>,
];
type SavedMetric = [
  key: string,
  value: Num,
  sum: Num,
  count: Num,
  points?: Array<[Num, Num]> | 0,
  native?: SavedNative,
];
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
}
type SavedPushId = [id: string, time: number, fingerprint?: string];

/**
 * A snapshot is JSON lines, so that no size of state is ever one string, written or read:
 * `{"version":2,"position":…}`, then `{"ids":[…]}` lines, then for each group a `{"group":…}`
 * line followed by `{"family":…}` lines of that group (a large family spans several lines).
 * Version 1, one JSON document, is still read.
 */
type SnapshotLine =
  | {
      version: 1 | 2;
      position: string;
      pushIds?: SavedPushId[];
      groups?: Array<SavedGroup & { families: SavedFamily[] }>;
    }
  | { ids: SavedPushId[] }
  | { group: SavedGroup }
  | { family: SavedFamily };

const LINE_BYTES = 256 * 1024;
const IDS_PER_LINE = 2000;

/**
 * The store as snapshot lines, in pieces of about `pieceBytes` (each piece whole lines): a large
 * store is written without ever holding its whole text in memory.
 */
export function* snapshotPieces(
  store: MetricStore,
  position: string,
  pieceBytes = 1 << 20,
): Generator<string> {
  let piece = '';
  const line = function* (value: SnapshotLine) {
    piece += `${JSON.stringify(value)}\n`;
    if (piece.length >= pieceBytes) {
      yield piece;
      piece = '';
    }
  };
  yield* line({ version: 2, position });
  const ids = store.pushIds.entries();
  for (let i = 0; i < ids.length; i += IDS_PER_LINE) yield* line({ ids: ids.slice(i, i + IDS_PER_LINE) });
  for (const group of store.groups.values()) {
    const { labels, pushTime, failureTime, lastPushMs, delta } = group;
    yield* line({ group: { labels, pushTime, failureTime, lastPushMs, delta } });
    for (const family of group.families.values()) {
      let metrics: SavedMetric[] = [];
      let size = 0;
      // The HELP only on a family's first line: a large family spans several lines.
      let head: Omit<SavedFamily, 'metrics'> = {
        name: family.name,
        type: family.type,
        help: family.help,
      };
      for (const m of family.metrics.values()) {
        const saved: SavedMetric = [m.key, enc(m.value), enc(m.sum), enc(m.count)];
        if (m.points || m.native)
          saved.push(m.points ? [...m.points].map(([at, v]): [Num, Num] => [enc(at), enc(v)]) : 0);
        if (m.native) {
          const h = m.native;
          saved.push([h.schema, h.zeroThreshold, h.zeroCount, h.float ? 1 : 0, h.positive, h.negative]);
        }
        metrics.push(saved);
        size += m.key.length + 32 * ((m.points?.size ?? 1) + (m.native ? nativeBuckets(m.native) : 0));
        if (size < LINE_BYTES) continue;
        yield* line({ family: { ...head, metrics } });
        head = { name: family.name, type: family.type };
        metrics = [];
        size = 0;
      }
      if (metrics.length > 0 || family.metrics.size === 0) yield* line({ family: { ...head, metrics } });
    }
  }
  if (piece) yield piece;
}

/** Restores a snapshot line by line, as it is read; `finish()` returns the position it includes. */
export class SnapshotReader {
  private position: string | undefined;
  private group: Group | undefined;

  constructor(
    private readonly store: MetricStore,
    private readonly groupKey: (labels: Array<[string, string]>) => string,
    /** A line that cannot be read is skipped and reported here: a damaged snapshot must not stop a start. */
    private readonly onUnreadable: (error: unknown) => void = (error) => {
      throw error;
    },
  ) {}

  line(text: string) {
    if (text.trim() === '') return;
    let line: SnapshotLine;
    try {
      line = JSON.parse(text) as SnapshotLine;
    } catch (error) {
      this.onUnreadable(error);
      return;
    }
    if ('version' in line) {
      this.position = line.position;
      for (const id of line.pushIds ?? []) this.addPushId(id);
      for (const { families, ...group } of line.groups ?? []) {
        this.startGroup(group);
        for (const family of families) this.addFamily(family);
      }
    } else if ('ids' in line) for (const id of line.ids) this.addPushId(id);
    else if ('group' in line) this.startGroup(line.group);
    else if ('family' in line) this.addFamily(line.family);
  }

  finish(): string {
    this.endGroup();
    if (this.position === undefined) throw new Error('the snapshot has no header line');
    return this.position;
  }

  private addPushId([id, time, fingerprint]: SavedPushId) {
    this.store.pushIds.add(id, time, fingerprint);
  }

  private startGroup(saved: SavedGroup) {
    this.endGroup();
    this.group = {
      key: this.groupKey(saved.labels),
      labels: saved.labels,
      signature: signatureOf(saved.labels),
      families: new Map(),
      pushTime: saved.pushTime,
      failureTime: saved.failureTime,
      lastPushMs: saved.lastPushMs,
      delta: saved.delta,
    };
  }

  private addFamily(saved: SavedFamily) {
    if (!this.group) throw new Error('the snapshot has a family before any group');
    let family: StoredFamily | undefined = this.group.families.get(saved.name);
    if (!family) {
      family = { name: saved.name, type: saved.type, help: saved.help, metrics: new Map() };
      this.group.families.set(saved.name, family);
    }
    for (const [key, value, sum, count, points, native] of saved.metrics) {
      const metric: StoredMetric = {
        key,
        keyBytes: jsonBytes(key),
        value: dec(value),
        sum: dec(sum),
        count: dec(count),
      };
      if (points) metric.points = new Map(points.map(([at, v]) => [dec(at), dec(v)]));
      if (native) {
        const [schema, zeroThreshold, zeroCount, float, positive, negative] = native;
        metric.native = { schema, zeroThreshold, zeroCount, float: float === 1, positive, negative };
      }
      family.metrics.set(key, metric);
    }
  }

  private endGroup() {
    if (this.group) this.store.restoreGroup(this.group);
    this.group = undefined;
  }
}
