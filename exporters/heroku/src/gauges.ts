import { type MetricDefinition, metricOptions } from '@brainbytes/telemetry/metrics';
import { Gauge, type Registry } from 'prom-client';

export type Fill<L extends string> = (g: Gauge<L>) => void;

/**
 * The exporter's two kinds of gauge, made from catalog entries (each folder's `catalog.ts`):
 * `dynamicGauge`, computed at each scrape (ages and freshness change with the clock), and `gauge`,
 * refilled only when a poll lands (`refresh`), not per scrape.
 */
export function gauges(registry: Registry) {
  const refreshers: Array<() => void> = [];
  const dynamicGauge = <L extends string>(d: MetricDefinition<L>, fill: Fill<L>) =>
    new Gauge<L>({
      ...metricOptions(d),
      registers: [registry],
      collect() {
        this.reset();
        fill(this);
      },
    });
  const gauge = <L extends string>(d: MetricDefinition<L>, fill: Fill<L>) => {
    const g = new Gauge<L>({ ...metricOptions(d), registers: [registry] });
    refreshers.push(() => {
      g.reset();
      fill(g);
    });
  };

  const refresh = () => {
    for (const r of refreshers) r();
  };
  return { gauge, dynamicGauge, refresh };
}

export type Gauges = ReturnType<typeof gauges>;
