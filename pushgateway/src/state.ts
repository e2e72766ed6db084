import type { Logger } from '@brainbytes/telemetry/service';
import type { GatewayConfig } from './config';
import { FilePersistence } from './persistence/file-persistence';
import { MemoryPersistence } from './persistence/memory-persistence';
import type { Persistence } from './persistence/persistence';
import { RedisPersistence } from './persistence/redis-persistence';
import { createSelfMetrics, reservedNames } from './self-metrics';
import { MetricStore } from './store/metric-store';

export type SelfMetrics = ReturnType<typeof createSelfMetrics>;

/**
 * The gateway's state from its settings: the store with its limits, the gateway's own metrics
 * (their names reserved), and the persistence chosen (file, Redis or none), opened and loaded.
 */
export async function openState(
  config: GatewayConfig,
  logger: Logger,
): Promise<{ store: MetricStore; metrics: SelfMetrics; persistence: Persistence }> {
  let store!: MetricStore;
  const metrics = createSelfMetrics(() => store, config.persistence);
  store = new MetricStore(
    {
      groupTtlMs: config.groupTtlMs,
      deltaTtlMs: config.deltaTtlMs,
      maxSeries: config.maxSeries,
      maxBytes: config.maxBytes,
      maxGroups: config.maxGroups,
      pushIdWindow: config.pushIdWindow,
      pushIdMaxAgeMs: config.pushIdTtlMs,
      reservedNames: reservedNames(metrics.registry),
      parseLimits: {
        maxSamples: config.maxSeriesPerPush,
        maxLabelNameLength: config.maxLabelNameLength,
        maxLabelValueLength: config.maxLabelValueLength,
        maxMetricNameLength: config.maxMetricNameLength,
        maxHelpLength: config.maxHelpLength,
      },
    },
    { onExpired: (group) => metrics.expired.inc({ mode: group.delta ? 'delta' : 'ordinary' }) },
  );
  const observer = {
    onWrite: (operation: string, seconds: number) =>
      metrics.persistenceSeconds.observe({ operation }, seconds),
    onError: (operation: string, error: unknown) => {
      metrics.persistenceErrors.inc({ operation });
      logger.error('persistence failed', { operation, error });
    },
  };
  const persistence: Persistence =
    config.persistence === 'file'
      ? new FilePersistence(
          store,
          {
            dir: config.dataDir,
            maxLogBytes: config.maxLogBytes,
            snapshotIntervalMs: config.snapshotIntervalMs,
          },
          observer,
        )
      : config.persistence === 'redis'
        ? new RedisPersistence(
            store,
            {
              url: config.redisUrl!,
              prefix: config.redisPrefix,
              snapshotIntervalMs: config.snapshotIntervalMs,
              maxEntryBytes: config.maxBodyBytes,
              shared: {
                PUSHGATEWAY_GROUP_TTL: config.groupTtlMs,
                PUSHGATEWAY_DELTA_TTL: config.deltaTtlMs,
                PUSHGATEWAY_MAX_SERIES: config.maxSeries,
                PUSHGATEWAY_MAX_BYTES: config.maxBytes,
                PUSHGATEWAY_MAX_GROUPS: config.maxGroups,
                PUSHGATEWAY_MAX_SERIES_PER_PUSH: config.maxSeriesPerPush,
                PUSHGATEWAY_MAX_LABEL_NAME_LENGTH: config.maxLabelNameLength,
                PUSHGATEWAY_MAX_LABEL_VALUE_LENGTH: config.maxLabelValueLength,
                PUSHGATEWAY_MAX_METRIC_NAME_LENGTH: config.maxMetricNameLength,
                PUSHGATEWAY_MAX_HELP_LENGTH: config.maxHelpLength,
                PUSHGATEWAY_PUSH_ID_WINDOW: config.pushIdWindow,
                PUSHGATEWAY_PUSH_ID_TTL: config.pushIdTtlMs,
              },
            },
            observer,
            logger,
          )
        : new MemoryPersistence(store);
  await persistence.open();
  return { store, metrics, persistence };
}
