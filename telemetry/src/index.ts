export { type AppMetrics, createAppMetrics } from './app-metrics';
export {
  BYTES_BUCKETS,
  CATALOG,
  type CatalogKey,
  GENAI_SECONDS_BUCKETS,
  HTTP_SECONDS_BUCKETS,
  type MetricDefinition,
  WEB_VITAL_SECONDS_BUCKETS,
} from './catalog';
export { collectDelta } from './delta';
export { groupingPath } from './grouping-path';
export { pushBeforeReturn } from './lambda';
export { type FlushResult, PushClient, type PushClientOptions } from './push-client';
