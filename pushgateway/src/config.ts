import path from 'node:path';
import {
  ConfigError,
  type Credential,
  credentialsSetting,
  durationSetting,
  type Env,
  hostSetting,
  type LogLevel,
  logLevelSetting,
  numberSetting,
  portSetting,
} from '@brainbytes/telemetry/service';

export { ConfigError, type Credential };

export interface GatewayConfig {
  port: number;
  host: string;
  persistence: 'memory' | 'file' | 'redis';
  dataDir: string;
  redisUrl: string | undefined;
  redisPrefix: string;
  groupTtlMs: number;
  deltaTtlMs: number;
  credentials: { push: Credential[]; scrape: Credential[]; admin: Credential[] };
  maxBodyBytes: number;
  maxSeriesPerPush: number;
  /** PUSHGATEWAY_OTLP_DELTA_INSTANCE=keep: OTLP delta data keeps service.instance.id as `instance`. */
  otlpKeepDeltaInstance: boolean;
  /** PUSHGATEWAY_OTLP_MAX_ATTRIBUTES: attributes of one OTLP data point or resource (400). */
  otlpMaxAttributes: number;
  maxSeries: number;
  maxBytes: number;
  maxGroups: number;
  maxLabelNameLength: number;
  maxLabelValueLength: number;
  maxMetricNameLength: number;
  maxHelpLength: number;
  pushIdWindow: number;
  pushIdTtlMs: number;
  /** PUSHGATEWAY_REQUEST_TIMEOUT: a request not fully received by then is answered 408. */
  requestTimeoutMs: number;
  snapshotIntervalMs: number;
  maxLogBytes: number;
  logLevel: LogLevel;
}

export function loadConfig(env: Env = process.env): GatewayConfig {
  const get = (name: string, fallback: string) => env[name]?.trim() || fallback;
  const credentials = {
    push: credentialsSetting('PUSHGATEWAY_PUSH_CREDENTIALS', env.PUSHGATEWAY_PUSH_CREDENTIALS),
    scrape: credentialsSetting('PUSHGATEWAY_SCRAPE_CREDENTIALS', env.PUSHGATEWAY_SCRAPE_CREDENTIALS),
    admin: credentialsSetting('PUSHGATEWAY_ADMIN_CREDENTIALS', env.PUSHGATEWAY_ADMIN_CREDENTIALS),
  };
  const authEnabled = credentials.push.length + credentials.scrape.length + credentials.admin.length > 0;

  // Every interface only once credentials guard it.
  const host = hostSetting(env, 'PUSHGATEWAY_HOST', { exposed: authEnabled });
  if (!authEnabled && !['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new ConfigError(
      `PUSHGATEWAY_HOST="${host}" would expose the gateway without credentials: set PUSHGATEWAY_PUSH_CREDENTIALS, ` +
        'PUSHGATEWAY_SCRAPE_CREDENTIALS and PUSHGATEWAY_ADMIN_CREDENTIALS (user:password), or bind 127.0.0.1',
    );
  }

  const redisUrl = env.REDIS_URL?.trim() || undefined;
  const persistence = get('PUSHGATEWAY_PERSISTENCE', redisUrl ? 'redis' : 'file');
  if (persistence !== 'memory' && persistence !== 'file' && persistence !== 'redis') {
    throw new ConfigError(`PUSHGATEWAY_PERSISTENCE="${persistence}" must be file, redis or memory`);
  }
  if (persistence === 'redis' && !redisUrl) {
    throw new ConfigError('PUSHGATEWAY_PERSISTENCE=redis needs REDIS_URL (e.g. redis://127.0.0.1:6379)');
  }
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  }

  const deltaInstance = get('PUSHGATEWAY_OTLP_DELTA_INSTANCE', 'drop');
  if (deltaInstance !== 'drop' && deltaInstance !== 'keep') {
    throw new ConfigError(`PUSHGATEWAY_OTLP_DELTA_INSTANCE="${deltaInstance}" must be drop or keep`);
  }
  const int = (name: string, fallback: number, min = 1) =>
    numberSetting(name, env[name], fallback, { min, integer: true });
  const duration = (name: string, fallback: string, min = 0, timer = false) =>
    durationSetting(name, env[name], fallback, { min, timer });
  return {
    port: portSetting(env, 'PUSHGATEWAY_PORT', 9091),
    host,
    persistence,
    // npm runs workspace scripts inside the workspace; INIT_CWD is where `npm start` was typed.
    dataDir: path.resolve(env.INIT_CWD ?? process.cwd(), get('PUSHGATEWAY_DATA_DIR', '.data/pushgateway')),
    redisUrl,
    redisPrefix: get('PUSHGATEWAY_REDIS_PREFIX', 'pushgateway'),
    groupTtlMs: duration('PUSHGATEWAY_GROUP_TTL', '0'),
    deltaTtlMs: duration('PUSHGATEWAY_DELTA_TTL', '24h'),
    credentials,
    maxBodyBytes: int('PUSHGATEWAY_MAX_BODY_BYTES', 4 * 1024 * 1024, 1024),
    maxSeriesPerPush: int('PUSHGATEWAY_MAX_SERIES_PER_PUSH', 10_000),
    otlpKeepDeltaInstance: deltaInstance === 'keep',
    otlpMaxAttributes: int('PUSHGATEWAY_OTLP_MAX_ATTRIBUTES', 128),
    maxSeries: int('PUSHGATEWAY_MAX_SERIES', 1_000_000),
    maxBytes: int('PUSHGATEWAY_MAX_BYTES', 96 * 1024 * 1024, 64 * 1024),
    maxGroups: int('PUSHGATEWAY_MAX_GROUPS', 100_000),
    maxLabelNameLength: int('PUSHGATEWAY_MAX_LABEL_NAME_LENGTH', 128),
    maxLabelValueLength: int('PUSHGATEWAY_MAX_LABEL_VALUE_LENGTH', 1024),
    maxMetricNameLength: int('PUSHGATEWAY_MAX_METRIC_NAME_LENGTH', 256),
    maxHelpLength: int('PUSHGATEWAY_MAX_HELP_LENGTH', 4096),
    pushIdWindow: int('PUSHGATEWAY_PUSH_ID_WINDOW', 100_000),
    // 0 would silently turn retry de-duplication off: a retried delta push counted twice.
    pushIdTtlMs: duration('PUSHGATEWAY_PUSH_ID_TTL', '1h', 1000),
    requestTimeoutMs: durationSetting('PUSHGATEWAY_REQUEST_TIMEOUT', env.PUSHGATEWAY_REQUEST_TIMEOUT, '10s', {
      min: 1000,
      max: 300_000,
    }),
    snapshotIntervalMs: duration('PUSHGATEWAY_SNAPSHOT_INTERVAL', '5m', 1000, true),
    maxLogBytes: int('PUSHGATEWAY_MAX_LOG_BYTES', 64 * 1024 * 1024, 1024),
    logLevel: logLevelSetting(env),
  };
}
