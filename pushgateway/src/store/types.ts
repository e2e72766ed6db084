import type { NativeHistogram } from '../exposition/native';
import type { Labels, MetricType } from '../exposition/types';
import type { PushRefused } from './refusal';

/**
 * One label set of a stored family. `key` is the rendered, sorted label text including the
 * grouping labels (`a="1",instance="",job="api"`); it names the series everywhere.
 */
export interface StoredMetric {
  key: string;
  /** `jsonBytes(key)`, computed once: what the key costs in the snapshot and the log. */
  keyBytes: number;
  value: number;
  /** Histogram: upper bound → cumulative count. Summary: quantile → value. */
  points?: Map<number, number>;
  sum: number;
  count: number;
  /** A histogram's native buckets, served to scrapers that take protobuf. */
  native?: NativeHistogram;
}

export interface StoredFamily {
  name: string;
  type: MetricType;
  help: string | undefined;
  metrics: Map<string, StoredMetric>;
  /** Rendered sample lines, built on scrape and dropped when the family changes. */
  text?: string;
}

export interface Group {
  key: string;
  labels: Labels;
  /** The grouping label names, sorted and joined: groups sharing it can never hold equal series. */
  signature: string;
  families: Map<string, StoredFamily>;
  /** Seconds since the epoch of the last successful push; 0 if none succeeded. */
  pushTime: number;
  failureTime: number;
  /** Milliseconds since the epoch of the last push attempt; drives expiry. */
  lastPushMs: number;
  /** Whether the last accepted push was a delta push (expires after PUSHGATEWAY_DELTA_TTL). */
  delta: boolean;
  /** Rendered push_time_seconds / push_failure_time_seconds lines. */
  timeText?: [string, string];
}

/** What a push, delete or wipe does, in the order the persistence log replays it. */
export type Operation =
  | {
      kind: 'push';
      method: 'PUT' | 'POST';
      delta: boolean;
      group: Labels;
      body: string;
      /** The body holds native histograms, in the log's own form (see exposition/native.ts). */
      native?: true;
      pushId?: string;
      time: number;
    }
  | { kind: 'delete'; group: Labels; time: number }
  | { kind: 'wipe'; time: number }
  /** Drop the groups not pushed within their TTL as of `time`: with Redis, one clock for every process. */
  | { kind: 'expire'; time: number };

/**
 * What became of an operation: applied; ignored as a push id already applied; refused by the
 * store (why, in the refusal); or, from persistence, not confirmed (`unavailable`: retry with the
 * same X-Push-Id) or not applied (`failed`).
 */
export type ApplyResult =
  | { outcome: 'applied' | 'duplicate' }
  | { outcome: 'refused'; refusal: PushRefused }
  | { outcome: 'unavailable' | 'failed'; message: string };
