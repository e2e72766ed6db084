export { type AppMetrics, createAppMetrics, metricOptions } from './app-metrics';
export { credentialDigest, presentedDigest, sameDigest } from './basic-auth';
export {
  BYTES_BUCKETS,
  CATALOG,
  type CatalogKey,
  GENAI_SECONDS_BUCKETS,
  HTTP_SECONDS_BUCKETS,
  type MetricDefinition,
  WEB_VITAL_SECONDS_BUCKETS,
} from './catalog';
export { HEROKU_EXPORTER_METRICS } from './catalog-exporter';
export { GATEWAY_METRICS } from './catalog-gateway';
export { type ClientType, clientTypeOf } from './client-type';
export { ConfigError, configOrExit } from './config-error';
export { collectDelta } from './delta';
export { escapeHelp, escapeLabelValue, familyHeader, formatValue, labelPairs } from './exposition';
export { httpMetrics } from './express';
export { groupingPath } from './grouping-path';
export { ALERTED_HEROKU_CODES } from './heroku-codes';
export { HttpError, type HttpErrorDetails } from './http-error';
export { LAMBDA_REPORT_METRICS, lambdaReportNamespace, pushBeforeReturn } from './lambda';
export { createLogger, LOG_LEVELS, type Logger, type LogLevel, redact } from './logger';
export { type FlushResult, PushClient, type PushClientOptions } from './push-client';
export {
  type Credential,
  credentialSetting,
  credentialsSetting,
  durationSetting,
  type Env,
  type Environment,
  environmentSetting,
  hostSetting,
  logLevelSetting,
  numberSetting,
  platformOf,
  portSetting,
} from './settings';
export { splitUrlCredentials } from './url-credentials';
