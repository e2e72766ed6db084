import type { StoredMetric } from './types';

/** Exposed sample lines of one metric: one for simple types, buckets/quantiles plus _sum and _count otherwise. */
export const seriesOf = (metric: StoredMetric) => (metric.points ? metric.points.size + 2 : 1);
