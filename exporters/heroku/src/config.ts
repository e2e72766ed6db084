import { ConfigError } from '@brainbytes/telemetry';

import type { LambdaFunction } from './lambda/cloudwatch';

export { ConfigError };

export interface Credential {
  user: string;
  password: string;
}

export interface ExporterConfig {
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
  logLevel: 'debug' | 'info' | 'warn' | 'error';
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

type Env = Record<string, string | undefined>;

function credential(name: string, text: string | undefined): Credential | undefined {
  if (!text?.trim()) return undefined;
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1)
    throw new ConfigError(`${name} must be user:password (both parts non-empty)`);
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

function positive(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min)
    throw new ConfigError(`${name}="${text}" must be a number of at least ${min}`);
  return value;
}

/** On a dyno /metrics is on the internet (spend, students, the drain): it must ask for credentials. */
function hostedScrapeCredentials(env: Env) {
  const credentials = credential(
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
  const portName = env.HEROKU_EXPORTER_PORT ? 'HEROKU_EXPORTER_PORT' : 'PORT';
  const port = positive(portName, get(portName, '9595'), 0);
  if (!Number.isInteger(port) || port > 65535)
    throw new ConfigError(`${portName}="${port}" is not a TCP port (0-65535)`);
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
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(state) && !/^rediss?:\/\//.test(state))
    throw new ConfigError(
      'HEROKU_EXPORTER_STATE must be a redis:// or rediss:// URL, a file path, or memory',
    );
  const logLevel = get('LOG_LEVEL', 'info');
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    throw new ConfigError(`LOG_LEVEL="${logLevel}" must be debug, info, warn or error`);
  return {
    port,
    host: get('HEROKU_EXPORTER_HOST', '0.0.0.0'),
    apiToken: env.HEROKU_API_TOKEN?.trim() || undefined,
    apiUrl,
    apps,
    pollIntervalMs:
      positive('HEROKU_POLL_INTERVAL_SECONDS', get('HEROKU_POLL_INTERVAL_SECONDS', '60'), 1) * 1000,
    requestTimeoutMs:
      positive('HEROKU_API_TIMEOUT_SECONDS', get('HEROKU_API_TIMEOUT_SECONDS', '10'), 0.1) * 1000,
    backoffBaseMs: positive('HEROKU_API_BACKOFF_MS', get('HEROKU_API_BACKOFF_MS', '1000'), 1),
    scrapeCredentials: hostedScrapeCredentials(env),
    drainCredentials: credential('HEROKU_DRAIN_CREDENTIALS', env.HEROKU_DRAIN_CREDENTIALS),
    drainTokens: get('HEROKU_DRAIN_TOKENS', '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    ecoPlanMonthlyDollars: positive('HEROKU_ECO_PLAN_DOLLARS', get('HEROKU_ECO_PLAN_DOLLARS', '5'), 0),
    maxDrainBodyBytes: positive(
      'HEROKU_DRAIN_MAX_BODY_BYTES',
      get('HEROKU_DRAIN_MAX_BODY_BYTES', String(1024 * 1024)),
      1024,
    ),
    maxProcessTypesPerApp: positive(
      'HEROKU_DRAIN_MAX_PROCESS_TYPES',
      get('HEROKU_DRAIN_MAX_PROCESS_TYPES', '20'),
      1,
    ),
    logLevel: logLevel as ExporterConfig['logLevel'],
    ...lambdaFunctions(env),
    cloudWatchPeriodSeconds: cloudWatchPeriod(get('CLOUDWATCH_PERIOD_SECONDS', '300')),
    durationPercentiles: percentiles(env.CLOUDWATCH_DURATION_PERCENTILES ?? 'p50,p95'),
    state,
    stateKey: get('HEROKU_EXPORTER_STATE_KEY', 'heroku-exporter:cost-accrual'),
  };
}
