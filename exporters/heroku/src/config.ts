import {
  ConfigError,
  type Credential,
  credentialSetting,
  durationSetting,
  type Env,
  hostSetting,
  type LogLevel,
  logLevelSetting,
  numberSetting,
  portSetting,
} from '@brainbytes/telemetry/service';

import type { LambdaFunction } from './lambda/cloudwatch';

export { ConfigError, type Credential };

export interface ExporterConfig {
  /** HEROKU_EXPORTER_REQUEST_TIMEOUT: a request (a drain post) not fully received by then is answered 408. */
  bodyTimeoutMs: number;
  port: number;
  host: string;
  apiToken: string | undefined;
  apiUrl: string;
  apps: string[];
  pollIntervalMs: number;
  requestTimeoutMs: number;
  /** First backoff step after a 429 or 5xx; doubles per attempt, with full jitter. */
  backoffBaseMs: number;
  scrapeCredentials: Credential | undefined;
  drainCredentials: Credential | undefined;
  drainTokens: string[];
  /** The account's flat Eco plan fee, charged once when any app runs Eco dynos. */
  ecoPlanMonthlyDollars: number;
  maxDrainBodyBytes: number;
  /** HEROKU_DRAIN_MAX_PROCESS_TYPES: process types labelled per app; more are counted as `other`. */
  maxProcessTypesPerApp: number;
  /** HEROKU_DRAIN_MAX_SERIES: series every drain metric holds together (histogram buckets count). */
  maxDrainSeries: number;
  logLevel: LogLevel;
  /** LAMBDA_FUNCTIONS: what to read from CloudWatch; empty, CloudWatch is not polled. */
  lambdaFunctions: LambdaFunction[];
  awsRegion: string | undefined;
  /** CloudWatch's period and the poll interval (CLOUDWATCH_PERIOD_SECONDS, default 300: Lambda's own granularity is 60). */
  cloudWatchPeriodSeconds: number;
  /** CLOUDWATCH_DURATION_PERCENTILES: Lambda duration percentiles to read (each is one more metric per poll). */
  durationPercentiles: string[];
  /**
   * HEROKU_EXPORTER_STATE: where this month's accrued Heroku spend survives restarts — a redis://
   * or rediss:// URL, a file path, or `memory`. Default: REDIS_URL when the app has Redis attached,
   * else memory (a restart re-estimates the month so far at the current run-rate).
   */
  state: string;
  /** HEROKU_EXPORTER_STATE_KEY: the Redis key (default heroku-exporter:cost-accrual). */
  stateKey: string;
}

/** On a dyno /metrics is on the internet (spend, students, the drain): it must ask for credentials. */
function hostedScrapeCredentials(env: Env) {
  const credentials = credentialSetting(
    'HEROKU_EXPORTER_SCRAPE_CREDENTIALS',
    env.HEROKU_EXPORTER_SCRAPE_CREDENTIALS,
  );
  if (!credentials && env.DYNO?.trim()) {
    throw new ConfigError(
      'HEROKU_EXPORTER_SCRAPE_CREDENTIALS is not set: on Heroku /metrics would be public. heroku config:set HEROKU_EXPORTER_SCRAPE_CREDENTIALS=prometheus:<password> -a <app>',
    );
  }
  return credentials;
}

function percentiles(text: string): string[] {
  const list = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of list)
    if (!/^p(\d{1,2}(\.\d{1,2})?)$/.test(p))
      throw new ConfigError(`CLOUDWATCH_DURATION_PERCENTILES: "${p}" must be a percentile like p50 or p99.9`);
  return list;
}

function cloudWatchPeriod(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 60 || value % 60 !== 0)
    throw new ConfigError(
      `CLOUDWATCH_PERIOD_SECONDS="${text}" must be a whole number of minutes in seconds (60, 300 …)`,
    );
  return value;
}

/** `brainbytes-prod-api:512:29,brainbytes-prod-ai:512:40`: name, memory in MB, timeout in seconds (serverless.yml). */
function lambdaFunctions(env: Env): Pick<ExporterConfig, 'lambdaFunctions' | 'awsRegion'> {
  const text = env.LAMBDA_FUNCTIONS?.trim() ?? '';
  const awsRegion = env.AWS_REGION?.trim() || undefined;
  if (!text) return { lambdaFunctions: [], awsRegion };
  const lambdaFunctions = text.split(',').map((entry) => {
    const match = /^([A-Za-z0-9_-]{1,64}):(\d+):(\d+)$/.exec(entry.trim());
    if (!match)
      throw new ConfigError(
        `LAMBDA_FUNCTIONS: "${entry.trim()}" must be name:memoryMB:timeoutSeconds, e.g. brainbytes-prod-api:512:29`,
      );
    return { name: match[1] as string, memoryMb: Number(match[2]), timeoutSeconds: Number(match[3]) };
  });
  if (lambdaFunctions.length > 20) throw new ConfigError('LAMBDA_FUNCTIONS names more than 20 functions');
  if (!awsRegion)
    throw new ConfigError('LAMBDA_FUNCTIONS is set but AWS_REGION is not (e.g. AWS_REGION=ap-southeast-1)');
  return { lambdaFunctions, awsRegion };
}

export function loadConfig(env: Env = process.env): ExporterConfig {
  const get = (name: string, fallback: string) => env[name]?.trim() || fallback;
  const number = (name: string, fallback: number, min: number, integer = false) =>
    numberSetting(name, env[name], fallback, { min, integer });
  const apiUrl = get('HEROKU_API_URL', 'https://api.heroku.com').replace(/\/$/, '');
  if (!/^https?:\/\//.test(apiUrl))
    throw new ConfigError(`HEROKU_API_URL="${apiUrl}" must be an http(s) URL`);
  const apps = get('HEROKU_APPS', '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const app of apps) {
    if (!/^[a-z][a-z0-9-]{1,29}$/.test(app))
      throw new ConfigError(`HEROKU_APPS: "${app}" is not a Heroku app name`);
  }
  const state = get('HEROKU_EXPORTER_STATE', env.REDIS_URL?.trim() || 'memory');
  // Anything with a scheme is a URL (`redis:/host` is a mistyped URL, not a file named so).
  if (/^[a-z][a-z0-9+.-]*:/i.test(state) && !isRedisUrl(state))
    throw new ConfigError(
      'HEROKU_EXPORTER_STATE must be a redis://host:port or rediss://host:port URL, a file path, or memory',
    );
  return {
    bodyTimeoutMs: durationSetting(
      'HEROKU_EXPORTER_REQUEST_TIMEOUT',
      env.HEROKU_EXPORTER_REQUEST_TIMEOUT,
      '10s',
      { min: 1000, max: 300_000 },
    ),
    port: portSetting(env, 'HEROKU_EXPORTER_PORT', 9595),
    // Every interface: Prometheus scrapes it from another host or container.
    host: hostSetting(env, 'HEROKU_EXPORTER_HOST', { exposed: true }),
    apiToken: env.HEROKU_API_TOKEN?.trim() || undefined,
    apiUrl,
    apps,
    pollIntervalMs: durationSetting('HEROKU_POLL_INTERVAL_SECONDS', env.HEROKU_POLL_INTERVAL_SECONDS, '60', {
      min: 1000,
      timer: true,
    }),
    requestTimeoutMs: durationSetting('HEROKU_API_TIMEOUT_SECONDS', env.HEROKU_API_TIMEOUT_SECONDS, '10', {
      min: 100,
      timer: true,
    }),
    backoffBaseMs: durationSetting('HEROKU_API_BACKOFF_MS', env.HEROKU_API_BACKOFF_MS, '1000', {
      min: 1,
      timer: true,
    }),
    scrapeCredentials: hostedScrapeCredentials(env),
    drainCredentials: credentialSetting('HEROKU_DRAIN_CREDENTIALS', env.HEROKU_DRAIN_CREDENTIALS),
    drainTokens: get('HEROKU_DRAIN_TOKENS', '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    ecoPlanMonthlyDollars: number('HEROKU_ECO_PLAN_DOLLARS', 5, 0),
    maxDrainBodyBytes: number('HEROKU_DRAIN_MAX_BODY_BYTES', 1024 * 1024, 1024, true),
    maxProcessTypesPerApp: number('HEROKU_DRAIN_MAX_PROCESS_TYPES', 20, 1, true),
    maxDrainSeries: number('HEROKU_DRAIN_MAX_SERIES', 100_000, 100, true),
    logLevel: logLevelSetting(env),
    ...lambdaFunctions(env),
    cloudWatchPeriodSeconds: cloudWatchPeriod(get('CLOUDWATCH_PERIOD_SECONDS', '300')),
    durationPercentiles: percentiles(env.CLOUDWATCH_DURATION_PERCENTILES ?? 'p50,p95'),
    state,
    stateKey: get('HEROKU_EXPORTER_STATE_KEY', 'heroku-exporter:cost-accrual'),
  };
}

function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (
      (url.protocol === 'redis:' || url.protocol === 'rediss:') && text.includes('//') && url.host !== ''
    );
  } catch {
    return false;
  }
}
