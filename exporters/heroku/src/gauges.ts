import { Gauge, type Registry } from 'prom-client';

export type Fill = (g: Gauge<string>) => void;

/**
 * The exporter's two kinds of gauge: `dynamicGauge`, computed at each scrape (ages and freshness
 * change with the clock), and `gauge`, refilled only when a poll lands (`refresh`), not per scrape.
 */
export function gauges(registry: Registry) {
  const refreshers: Array<() => void> = [];
  /** A gauge computed at each scrape (ages and freshness change with the clock). */
  const dynamicGauge = (name: string, help: string, labelNames: string[], fill: Fill) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(this);
      },
    });
  /** A gauge that changes only when a poll lands: refilled then, not at every scrape. */
  const gauge = (name: string, help: string, labelNames: string[], fill: Fill) => {
    const g = new Gauge({ name, help, labelNames, registers: [registry] });
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
