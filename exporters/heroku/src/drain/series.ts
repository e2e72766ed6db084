import { escapeLabelValue } from './escape';

/**
 * Counters, gauges and histograms kept as plain maps from rendered label text to numbers, so a
 * log line costs a map update, not a label hash per metric call; rendered straight to the text
 * exposition format at scrape time.
 */
export type LabelValues = readonly string[];

export const labelText = (names: readonly string[], values: LabelValues) =>
  names.map((name, i) => `${name}="${escapeLabelValue(values[i]!)}"`).join(',');

export class SeriesMap {
  readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly type: 'counter' | 'gauge',
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  key(values: LabelValues) {
    return labelText(this.labelNames, values);
  }
  add(key: string, by: number) {
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  set(key: string, value: number) {
    this.values.set(key, value);
  }
  render(): string {
    if (this.values.size === 0) return '';
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const [key, value] of this.values) lines.push(`${this.name}{${key}} ${value}`);
    return `${lines.join('\n')}\n`;
  }
}

export class HistogramMap {
  private readonly series = new Map<string, { counts: Float64Array; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {}

  key(values: LabelValues) {
    return labelText(this.labelNames, values);
  }
  observe(key: string, value: number) {
    let entry = this.series.get(key);
    if (!entry) {
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
  }
  render(): string {
    if (this.series.size === 0) return '';
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, { counts, sum, count }] of this.series) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += counts[i]!;
        lines.push(`${this.name}_bucket{${key},le="${this.buckets[i]}"} ${cumulative}`);
      }
      lines.push(`${this.name}_bucket{${key},le="+Inf"} ${count}`);
      lines.push(`${this.name}_sum{${key}} ${sum}`, `${this.name}_count{${key}} ${count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
