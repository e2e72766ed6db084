import type { MetricDefinition } from '@brainbytes/telemetry/metrics';
import { COST_METRICS } from './cost/catalog';
import { DRAIN_METRICS } from './drain/catalog';
import { LAMBDA_METRICS } from './lambda/catalog';
import { PLATFORM_METRICS } from './platform/catalog';

/**
 * The Heroku exporter's metrics (`heroku_*`, and `brainbytes_lambda_*` read from CloudWatch),
 * beside the app's (`@brainbytes/telemetry/metrics`' CATALOG): the exporter creates them from here, so their label names are
 * types and the rules and dashboards are checked against them.
 */
export const HEROKU_EXPORTER_METRICS = {
  ...PLATFORM_METRICS,
  ...COST_METRICS,
  ...DRAIN_METRICS,
  ...LAMBDA_METRICS,
} as const satisfies Record<string, MetricDefinition>;
