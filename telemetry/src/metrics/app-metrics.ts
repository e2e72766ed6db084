import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CATALOG, type CatalogKey, type MetricDefinition } from './catalog';

type LabelsOf<D> = D extends MetricDefinition<infer L> ? L : never;
type MetricFor<D extends MetricDefinition> = D['kind'] extends 'counter'
  ? Counter<LabelsOf<D>>
  : D['kind'] extends 'gauge'
    ? Gauge<LabelsOf<D>>
    : Histogram<LabelsOf<D>>;

export type AppMetrics = { [K in CatalogKey]: MetricFor<(typeof CATALOG)[K]> };

/** Creates one metric per catalog entry in `registry`. */
export function createAppMetrics(registry: Registry): AppMetrics {
  const metrics: Record<string, unknown> = {};
  for (const [key, d] of Object.entries(CATALOG) as Array<[CatalogKey, MetricDefinition<string>]>) {
    const common = { name: d.name, help: d.help, labelNames: [...d.labelNames], registers: [registry] };
    metrics[key] =
      d.kind === 'counter'
        ? new Counter(common)
        : d.kind === 'gauge'
          ? new Gauge(common)
          : new Histogram({ ...common, buckets: [...(d.buckets ?? [])] });
  }
  return metrics as AppMetrics;
}

/** prom-client options for a catalog entry: its name, help, label names (typed) and buckets. */
export function metricOptions<L extends string>(d: MetricDefinition<L>) {
  return {
    name: d.name,
    help: d.help,
    labelNames: d.labelNames,
    ...(d.buckets ? { buckets: [...d.buckets] } : {}),
  };
}
