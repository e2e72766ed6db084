import path from 'node:path';
import { ConfigError } from '@brainbytes/telemetry';

export { ConfigError };

export interface Credential {
  user: string;
  password: string;
}

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
  maxSeries: number;
  maxBytes: number;
  maxGroups: number;
  maxLabelNameLength: number;
  maxLabelValueLength: number;
  pushIdWindow: number;
  pushIdTtlMs: number;
  snapshotIntervalMs: number;
  maxLogBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

type Env = Record<string, string | undefined>;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `0` (never), or a whole number with a unit: `500ms`, `90s`, `15m`, `24h`, `7d`. */
export function parseDuration(name: string, text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match || (match[2] === undefined && match[1] !== '0')) {
    throw new ConfigError(`${name}="${text}" is not a duration: use 0 for never, or e.g. 90s, 15m, 24h, 7d`);
  }
  return Number(match[1]) * UNITS[match[2] ?? 'ms']!;
}

function parseInteger(name: string, text: string, min: number): number {
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`${name}="${text}" must be a whole number of at least ${min}`);
  }
  return value;
}

/** `user:password[,user:password…]`; the password may contain colons, the user may not. */
export function parseCredentials(name: string, text: string | undefined): Credential[] {
  if (!text?.trim()) return [];
  return text.split(',').map((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon <= 0 || colon === entry.length - 1) {
      throw new ConfigError(`${name}: entry ${i + 1} is not user:password (both parts non-empty)`);
    }
    return { user: entry.slice(0, colon).trim(), password: entry.slice(colon + 1) };
  });
}

export function loadConfig(env: Env = process.env): GatewayConfig {
  const get = (name: string, fallback: string) => env[name]?.trim() || fallback;
  const credentials = {
    push: parseCredentials('PUSHGATEWAY_PUSH_CREDENTIALS', env.PUSHGATEWAY_PUSH_CREDENTIALS),
    scrape: parseCredentials('PUSHGATEWAY_SCRAPE_CREDENTIALS', env.PUSHGATEWAY_SCRAPE_CREDENTIALS),
    admin: parseCredentials('PUSHGATEWAY_ADMIN_CREDENTIALS', env.PUSHGATEWAY_ADMIN_CREDENTIALS),
  };
  const authEnabled = credentials.push.length + credentials.scrape.length + credentials.admin.length > 0;

  const portName = env.PUSHGATEWAY_PORT ? 'PUSHGATEWAY_PORT' : 'PORT';
  const port = parseInteger(portName, get(portName, '9091'), 0);
  if (port > 65535) throw new ConfigError(`${portName}="${port}" is not a TCP port (0-65535)`);

  const host = get('PUSHGATEWAY_HOST', authEnabled ? '0.0.0.0' : '127.0.0.1');
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

  const logLevel = get('LOG_LEVEL', 'info');
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL="${logLevel}" must be debug, info, warn or error`);
  }

  const int = (name: string, fallback: number, min = 1) =>
    parseInteger(name, get(name, String(fallback)), min);
  const snapshotIntervalMs = parseDuration(
    'PUSHGATEWAY_SNAPSHOT_INTERVAL',
    get('PUSHGATEWAY_SNAPSHOT_INTERVAL', '5m'),
  );
  if (snapshotIntervalMs < 1000) throw new ConfigError('PUSHGATEWAY_SNAPSHOT_INTERVAL must be at least 1s');
  return {
    port,
    host,
    persistence,
    // npm runs workspace scripts inside the workspace; INIT_CWD is where `npm start` was typed.
    dataDir: path.resolve(env.INIT_CWD ?? process.cwd(), get('PUSHGATEWAY_DATA_DIR', '.data/pushgateway')),
    redisUrl,
    redisPrefix: get('PUSHGATEWAY_REDIS_PREFIX', 'pushgateway'),
    groupTtlMs: parseDuration('PUSHGATEWAY_GROUP_TTL', get('PUSHGATEWAY_GROUP_TTL', '0')),
    deltaTtlMs: parseDuration('PUSHGATEWAY_DELTA_TTL', get('PUSHGATEWAY_DELTA_TTL', '24h')),
    credentials,
    maxBodyBytes: int('PUSHGATEWAY_MAX_BODY_BYTES', 4 * 1024 * 1024, 1024),
    maxSeriesPerPush: int('PUSHGATEWAY_MAX_SERIES_PER_PUSH', 10_000),
    maxSeries: int('PUSHGATEWAY_MAX_SERIES', 1_000_000),
    maxBytes: int('PUSHGATEWAY_MAX_BYTES', 128 * 1024 * 1024, 64 * 1024),
    maxGroups: int('PUSHGATEWAY_MAX_GROUPS', 100_000),
    maxLabelNameLength: int('PUSHGATEWAY_MAX_LABEL_NAME_LENGTH', 128),
    maxLabelValueLength: int('PUSHGATEWAY_MAX_LABEL_VALUE_LENGTH', 1024),
    pushIdWindow: int('PUSHGATEWAY_PUSH_ID_WINDOW', 100_000),
    pushIdTtlMs: parseDuration('PUSHGATEWAY_PUSH_ID_TTL', get('PUSHGATEWAY_PUSH_ID_TTL', '1h')),
    snapshotIntervalMs,
    maxLogBytes: int('PUSHGATEWAY_MAX_LOG_BYTES', 64 * 1024 * 1024, 1024),
    logLevel: logLevel as GatewayConfig['logLevel'],
  };
}
