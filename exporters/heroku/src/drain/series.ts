import {
  escapeLabelValue,
  familyHeader,
  formatValue,
  type MetricDefinition,
} from '@brainbytes/telemetry/metrics';

/**
 * Counters, gauges and histograms kept as plain maps from rendered label text to numbers, so a
 * log line costs a map update, not a label hash per metric call; rendered straight to the text
 * exposition format at scrape time.
 */
export type LabelValues = readonly string[];

const EMPTY = Buffer.alloc(0);

/**
 * One cap on the series every drain metric holds together (HEROKU_DRAIN_MAX_SERIES): each label
 * cap holds alone, but apps × sources × process types × codes multiply (1.9 M series, 1.1 GiB, from
 * one drain credential). A histogram series costs its buckets, +Inf, sum and count. Past the cap a
 * new label set is dropped and counted; the series already held keep counting.
 */
export class SeriesBudget {
  held = 0;
  constructor(
    readonly max: number,
    private readonly onRefused: () => void = () => undefined,
  ) {}
  take(lines: number): boolean {
    if (this.held + lines > this.max) {
      this.onRefused();
      return false;
    }
    this.held += lines;
    return true;
  }
}

const UNBOUNDED = new SeriesBudget(Number.POSITIVE_INFINITY);

// The hot path of every log line: the shared escaping, without building pairs first.
export const labelText = (names: readonly string[], values: LabelValues) =>
  names.map((name, i) => `${name}="${escapeLabelValue(values[i]!)}"`).join(',');

export class SeriesMap {
  readonly values = new Map<string, number>();
  /** `name{labels} ` per series, made once: a scrape then only appends the values. */
  private readonly prefixes = new Map<string, string>();
  /** The last rendering, as bytes ready to send, kept until a value changes. */
  private bytes: Buffer | undefined;
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly labelNames: readonly string[];
  constructor(
    d: MetricDefinition & { kind: 'counter' | 'gauge' },
    private readonly budget: SeriesBudget = UNBOUNDED,
  ) {
    this.name = d.name;
    this.type = d.kind;
    this.help = d.help;
    this.labelNames = d.labelNames;
  }

  key(values: LabelValues) {
    return labelText(this.labelNames, values);
  }
  add(key: string, by: number) {
    const known = this.values.get(key);
    if (known === undefined && !this.budget.take(1)) return;
    this.values.set(key, (known ?? 0) + by);
    this.bytes = undefined;
  }
  set(key: string, value: number) {
    if (!this.values.has(key) && !this.budget.take(1)) return;
    this.values.set(key, value);
    this.bytes = undefined;
  }
  render(): Buffer {
    if (this.bytes !== undefined) return this.bytes;
    if (this.values.size === 0) return EMPTY;
    const parts = [familyHeader(this.name, this.type, this.help)];
    for (const [key, value] of this.values) {
      let prefix = this.prefixes.get(key);
      if (prefix === undefined) {
        prefix = `${this.name}{${key}} `;
        this.prefixes.set(key, prefix);
      }
      parts.push(prefix, formatValue(value), '\n');
    }
    this.bytes = Buffer.from(parts.join(''));
    return this.bytes;
  }
}

export class HistogramMap {
  private readonly series = new Map<string, { counts: Float64Array; sum: number; count: number }>();
  private bytes: Buffer | undefined;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly buckets: readonly number[];
  constructor(
    d: MetricDefinition & { kind: 'histogram' },
    private readonly budget: SeriesBudget = UNBOUNDED,
  ) {
    this.name = d.name;
    this.help = d.help;
    this.labelNames = d.labelNames;
    this.buckets = d.buckets ?? [];
  }

  key(values: LabelValues) {
    return labelText(this.labelNames, values);
  }
  observe(key: string, value: number) {
    let entry = this.series.get(key);
    if (!entry) {
      if (!this.budget.take(this.buckets.length + 3)) return;
      entry = { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]!) {
        entry.counts[i]!++;
        break;
      }
    }
    entry.sum += value;
    entry.count++;
    this.bytes = undefined;
  }
  render(): Buffer {
    if (this.bytes !== undefined) return this.bytes;
    if (this.series.size === 0) return EMPTY;
    const lines = [familyHeader(this.name, 'histogram', this.help).slice(0, -1)];
    for (const [key, { counts, sum, count }] of this.series) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += counts[i]!;
        lines.push(`${this.name}_bucket{${key},le="${this.buckets[i]}"} ${cumulative}`);
      }
      lines.push(`${this.name}_bucket{${key},le="+Inf"} ${count}`);
      lines.push(`${this.name}_sum{${key}} ${formatValue(sum)}`, `${this.name}_count{${key}} ${count}`);
    }
    this.bytes = Buffer.from(`${lines.join('\n')}\n`);
    return this.bytes;
  }
}
