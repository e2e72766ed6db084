import { defineMetric as def, type MetricDefinition } from '@brainbytes/telemetry/metrics';

/**
 * The Pushgateway's own metrics (`pushgateway_*`), beside the app's (`@brainbytes/telemetry/metrics`' CATALOG): the gateway
 * creates them from here, so their label names are types and the rules are checked against them.
 */
export const GATEWAY_METRICS = {
  pushesTotal: def(
    'pushgateway_pushes_total',
    'counter',
    'Push requests (PUT, POST, DELETE) by method, mode and outcome.',
    ['method', 'mode', 'outcome'],
  ),
  pushRefusalsTotal: def(
    'pushgateway_push_refusals_total',
    'counter',
    'Pushes refused, by reason: a limit (byte_budget, series, series_per_push, groups, label_length, name_length, help_length, body_size), a reused push id, credentials, or invalid content.',
    ['reason'],
  ),
  pushDurationSeconds: def(
    'pushgateway_push_duration_seconds',
    'histogram',
    'Time to handle an accepted push, from the first byte read to the response.',
    ['mode'],
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  ),
  expiredGroupsTotal: def(
    'pushgateway_expired_groups_total',
    'counter',
    'Groups dropped because they were not pushed within their TTL.',
    ['mode'],
  ),
  persistenceWriteDurationSeconds: def(
    'pushgateway_persistence_write_duration_seconds',
    'histogram',
    'Time to make state durable: appending one operation, or writing a snapshot.',
    ['operation'],
    [0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  ),
  persistenceErrorsTotal: def(
    'pushgateway_persistence_errors_total',
    'counter',
    'Failures to write or load persisted state.',
    ['operation'],
  ),
  groups: def('pushgateway_groups', 'gauge', 'Groups held, by mode (ordinary or delta).', ['mode']),
  series: def(
    'pushgateway_series',
    'gauge',
    'Sample lines held across all groups (histogram buckets, sums and counts each count).',
    [],
  ),
  storedBytes: def(
    'pushgateway_stored_bytes',
    'gauge',
    'Estimated cost of the stored metrics, in memory or on disk, whichever is more; held under PUSHGATEWAY_MAX_BYTES.',
    [],
  ),
  maxBytes: def(
    'pushgateway_max_bytes',
    'gauge',
    'PUSHGATEWAY_MAX_BYTES: the most the stored metrics may cost.',
    [],
  ),
  pushIdsRemembered: def(
    'pushgateway_push_ids_remembered',
    'gauge',
    'Delta push ids remembered to apply retried pushes once.',
    [],
  ),
  buildInfo: def(
    'pushgateway_build_info',
    'gauge',
    'Always 1; labels say how this gateway persists its state.',
    ['persistence'],
  ),
} as const satisfies Record<string, MetricDefinition>;
