import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricStore } from './store/metric-store';

export type PushOutcome = 'accepted' | 'duplicate' | 'invalid' | 'too_large' | 'unauthorized' | 'error';

/** The gateway's own metrics (`pushgateway_*`, plus process and Node.js defaults). */
export function createSelfMetrics(store: () => MetricStore, persistence: string) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const pushes = new Counter({
    name: 'pushgateway_pushes_total',
    help: 'Push requests (PUT, POST, DELETE) by method, mode and outcome.',
    labelNames: ['method', 'mode', 'outcome'],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'pushgateway_push_refusals_total',
    help: 'Pushes refused, by reason: a limit (byte_budget, series, series_per_push, groups, label_length, body_size), a reused push id, credentials, or invalid content.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const pushDuration = new Histogram({
    name: 'pushgateway_push_duration_seconds',
    help: 'Time to handle an accepted push, from the first byte read to the response.',
    labelNames: ['mode'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const expired = new Counter({
    name: 'pushgateway_expired_groups_total',
    help: 'Groups dropped because they were not pushed within their TTL.',
    labelNames: ['mode'],
    registers: [registry],
  });
  const persistenceSeconds = new Histogram({
    name: 'pushgateway_persistence_write_duration_seconds',
    help: 'Time to make state durable: appending one operation, or writing a snapshot.',
    labelNames: ['operation'],
    buckets: [0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const persistenceErrors = new Counter({
    name: 'pushgateway_persistence_errors_total',
    help: 'Failures to write or load persisted state.',
    labelNames: ['operation'],
    registers: [registry],
  });
  new Gauge({
    name: 'pushgateway_groups',
    help: 'Groups held, by mode (ordinary or delta).',
    labelNames: ['mode'],
    registers: [registry],
    collect() {
      let delta = 0;
      for (const group of store().groups.values()) if (group.delta) delta++;
      this.set({ mode: 'delta' }, delta);
      this.set({ mode: 'ordinary' }, store().groups.size - delta);
    },
  });
  new Gauge({
    name: 'pushgateway_series',
    help: 'Sample lines held across all groups (histogram buckets, sums and counts each count).',
    registers: [registry],
    collect() {
      this.set(store().seriesTotal);
    },
  });
  new Gauge({
    name: 'pushgateway_stored_bytes',
    help: 'Estimated cost of the stored metrics, in memory or on disk, whichever is more; held under PUSHGATEWAY_MAX_BYTES.',
    registers: [registry],
    collect() {
      this.set(store().bytesTotal);
    },
  });
  new Gauge({
    name: 'pushgateway_max_bytes',
    help: 'PUSHGATEWAY_MAX_BYTES: the most the stored metrics may cost.',
    registers: [registry],
    collect() {
      this.set(store().options.maxBytes);
    },
  });
  new Gauge({
    name: 'pushgateway_push_ids_remembered',
    help: 'Delta push ids remembered to apply retried pushes once.',
    registers: [registry],
    collect() {
      this.set(store().pushIds.size);
    },
  });
  new Gauge({
    name: 'pushgateway_build_info',
    help: 'Always 1; labels say how this gateway persists its state.',
    labelNames: ['persistence'],
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
