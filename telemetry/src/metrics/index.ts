/**
 * The metrics: the catalog every app metric is made from, the delta push client, the text
 * format's writing, the Express and Lambda glue. `@brainbytes/telemetry/metrics`.
 */
export { type AppMetrics, createAppMetrics, metricOptions } from './app-metrics';
export {
  BYTES_BUCKETS,
  CATALOG,
  type CatalogKey,
  defineMetric,
  GENAI_SECONDS_BUCKETS,
  HTTP_SECONDS_BUCKETS,
  type MetricDefinition,
  WEB_VITAL_SECONDS_BUCKETS,
} from './catalog';
export { type ClientType, clientTypeOf } from './client-type';
export { collectDelta } from './delta';
export { escapeHelp, escapeLabelValue, familyHeader, formatValue, labelPairs } from './exposition';
export { httpMetrics } from './express';
export { groupingPath } from './grouping-path';
export { ALERTED_HEROKU_CODES } from './heroku-codes';
export { LAMBDA_REPORT_METRICS, lambdaReportNamespace, pushBeforeReturn } from './lambda';
export { type FlushResult, PushClient, type PushClientOptions } from './push-client';
