import { metricOptions } from '@brainbytes/telemetry/metrics';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { GATEWAY_METRICS } from './catalog';
import type { MetricStore } from './store/metric-store';

export type PushOutcome = 'accepted' | 'duplicate' | 'invalid' | 'too_large' | 'unauthorized' | 'error';

/** The gateway's own metrics (`pushgateway_*`, plus process and Node.js defaults). */
export function createSelfMetrics(store: () => MetricStore, persistence: string) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const pushes = new Counter({
    ...metricOptions(GATEWAY_METRICS.pushesTotal),
    registers: [registry],
  });
  const refusals = new Counter({
    ...metricOptions(GATEWAY_METRICS.pushRefusalsTotal),
    registers: [registry],
  });
  const pushDuration = new Histogram({
    ...metricOptions(GATEWAY_METRICS.pushDurationSeconds),
    registers: [registry],
  });
  const expired = new Counter({
    ...metricOptions(GATEWAY_METRICS.expiredGroupsTotal),
    registers: [registry],
  });
  const persistenceSeconds = new Histogram({
    ...metricOptions(GATEWAY_METRICS.persistenceWriteDurationSeconds),
    registers: [registry],
  });
  const persistenceErrors = new Counter({
    ...metricOptions(GATEWAY_METRICS.persistenceErrorsTotal),
    registers: [registry],
  });
  new Gauge({
    ...metricOptions(GATEWAY_METRICS.groups),
    registers: [registry],
    collect() {
      let delta = 0;
      for (const group of store().groups.values()) if (group.delta) delta++;
      this.set({ mode: 'delta' }, delta);
      this.set({ mode: 'ordinary' }, store().groups.size - delta);
    },
  });
  new Gauge({
    ...metricOptions(GATEWAY_METRICS.series),
    registers: [registry],
    collect() {
      this.set(store().seriesTotal);
    },
  });
  new Gauge({
    ...metricOptions(GATEWAY_METRICS.storedBytes),
    registers: [registry],
    collect() {
      this.set(store().heldBytes);
    },
  });
  new Gauge({
    ...metricOptions(GATEWAY_METRICS.maxBytes),
    registers: [registry],
    collect() {
      this.set(store().options.maxBytes);
    },
  });
  new Gauge({
    ...metricOptions(GATEWAY_METRICS.pushIdsRemembered),
    registers: [registry],
    collect() {
      this.set(store().pushIds.size);
    },
  });
  new Gauge({
    ...metricOptions(GATEWAY_METRICS.buildInfo),
    registers: [registry],
  }).set({ persistence }, 1);

  return { registry, pushes, refusals, pushDuration, expired, persistenceSeconds, persistenceErrors };
}

export type SelfMetrics = ReturnType<typeof createSelfMetrics>;

/** Every name a pushed family may not take: the gateway's own, with histogram and summary suffixes. */
export function reservedNames(registry: Registry): Set<string> {
  const names = new Set(['push_time_seconds', 'push_failure_time_seconds']);
  for (const metric of registry.getMetricsAsArray()) {
    names.add(metric.name);
    if (metric instanceof Histogram || metric.constructor.name === 'Summary') {
      for (const end of ['_bucket', '_sum', '_count']) names.add(metric.name + end);
    }
  }
  return names;
}
