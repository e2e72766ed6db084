import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  ConfigError,
  durationSetting,
  hostSetting,
  type LogLevel,
  logLevelSetting,
  numberSetting,
  portSetting,
} from '@brainbytes/telemetry/service';
import { loadStatementSettings, type StatementSettings } from '../jobs/monthly-statement';
import { loadSyntheticSettings, type SyntheticSettings } from '../jobs/synthetic-student';
import { loadPushSettings, type PushSettings } from '../push';
import { rateSetting } from '../settings';
import { DEFAULT_AI_CALL_TIMEOUT_MS, FRONT_DOOR_LIMIT_MS, RESPONSE_MARGIN_MS } from '../time-budget';
import type { RateLimitSettings } from './rate-limits';
import { loadSignupMailSettings, type SignupMailSettings } from './signup-mail';
import { loadSpendCeilingSettings, type SpendCeilingSettings } from './spend-ceiling';

export { ConfigError };

export interface ApiConfig extends PushSettings {
  port: number;
  /** API_HOST; else every interface on a dyno, loopback elsewhere. */
  host: string;
  logLevel: LogLevel;
  databaseUrl: string | undefined;
  pgliteDir: string;
  authSecret: string;
  tokenTtlHours: number;
  /** The synthetic student's journey (SYNTHETIC_API_URL …), run by the API's process or the job; off without it. */
  synthetic: SyntheticSettings | undefined;
  aiUrl: string;
  aiTimeoutMs: number;
  /** AI_FUNCTION_NAME: on Lambda, the AI function's full service-stage-function name. */
  aiFunctionName: string | undefined;
  /** How often the local server runs the business-metrics job (BUSINESS_METRICS_INTERVAL_SECONDS, default 300). */
  businessMetricsIntervalMs: number;
  /**
   * API_TRUST_PROXY_HOPS: 1 behind Heroku's router (the default on a dyno), 0 with nothing in front
   * (the default elsewhere: X-Forwarded-For is ignored and the socket's address counts; on Lambda
   * that is API Gateway's sourceIp). The web app's proxy is never a hop: it proves itself with
   * API_PROXY_SECRET.
   */
  trustProxyHops: number;
  /** API_PROXY_SECRET: the web app's /api proxy proves itself with it, and only then is its client address believed. */
  proxySecret: string | undefined;
  rateLimits: RateLimitSettings;
  /** Sign-up by email code (API_SIGNUP_SMTP_URL …): off, sign-up is instant and a taken email is 409. */
  signupMail: SignupMailSettings | undefined;
  /** How long a device token lets its browser past the per-account log-in lock (AUTH_DEVICE_TOKEN_DAYS, 0: never). */
  deviceTokenDays: number;
  /** RUM batches a client may send a minute (API_RUM_BATCHES_PER_MINUTE). */
  rumPerMinute: number;
  /** The AI spend ceiling per UTC day and month (AI_CEILING_*), from BRAINBYTES_MONTHLY_BUDGET_DOLLARS by default. */
  spendCeiling: SpendCeilingSettings;
  /** Where last month's statement goes (MONTHLY_STATEMENT_*), for the business-metrics job. */
  statements: StatementSettings;
}

function proxySecret(secret: string | undefined): string | undefined {
  if (secret !== undefined && secret.length < 32)
    throw new ConfigError('API_PROXY_SECRET must be at least 32 characters (the same value on the web app)');
  return secret;
}

export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const get = (name: string) => env[name]?.trim() || undefined;
  const push = loadPushSettings(env);
  const { environment } = push;
  const authSecret = get('AUTH_SECRET');
  if (!authSecret && environment !== 'development')
    throw new ConfigError('AUTH_SECRET is required outside development (32+ random characters)');
  if (authSecret && authSecret.length < 32)
    throw new ConfigError('AUTH_SECRET must be at least 32 characters');
  // Development without AUTH_SECRET: a fresh secret each start (tokens end with the process).
  const secret = authSecret ?? randomBytes(32).toString('base64url');
  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  return {
    ...push,
    port: portSetting(env, 'API_PORT', 3000),
    host: hostSetting(env, 'API_HOST'),
    logLevel: logLevelSetting(env),
    databaseUrl,
    pgliteDir: path.resolve(env.INIT_CWD ?? process.cwd(), get('PGLITE_DIR') ?? '.data/pglite'),
    authSecret: secret,
    synthetic: loadSyntheticSettings(env, secret),
    tokenTtlHours: numberSetting('AUTH_TOKEN_TTL_HOURS', env.AUTH_TOKEN_TTL_HOURS, 168, {
      min: 0.01,
      max: 8760,
    }),
    aiUrl: (get('AI_URL') ?? 'http://127.0.0.1:3002').replace(/\/$/, ''),
    // Past 28 s the answer would not leave before API Gateway or Heroku's router cut it at 30 s.
    aiTimeoutMs: numberSetting('AI_CALL_TIMEOUT_MS', env.AI_CALL_TIMEOUT_MS, DEFAULT_AI_CALL_TIMEOUT_MS, {
      min: 100,
      max: FRONT_DOOR_LIMIT_MS - RESPONSE_MARGIN_MS,
      integer: true,
    }),
    aiFunctionName: get('AI_FUNCTION_NAME'),
    trustProxyHops: numberSetting('API_TRUST_PROXY_HOPS', env.API_TRUST_PROXY_HOPS, env.DYNO ? 1 : 0, {
      max: 1,
      integer: true,
    }),
    proxySecret: proxySecret(get('API_PROXY_SECRET')),
    rateLimits: {
      login_account_address: rateSetting(
        'API_RATE_LOGIN_ACCOUNT_ADDRESS',
        env.API_RATE_LOGIN_ACCOUNT_ADDRESS,
        '5/15m',
      ),
      login_address: rateSetting('API_RATE_LOGIN_ADDRESS', env.API_RATE_LOGIN_ADDRESS, '60/15m'),
      login_account: rateSetting('API_RATE_LOGIN_ACCOUNT', env.API_RATE_LOGIN_ACCOUNT, '50/1h'),
      // A school lab signs a class up from one address; a farm of accounts from one address is refused.
      signups_address: rateSetting('API_RATE_SIGNUPS_ADDRESS', env.API_RATE_SIGNUPS_ADDRESS, '30/1d'),
      // Sign-up emails to one address (codes and "you already have an account"); past it, none is
      // sent but the answer is the same, so an attacker cannot flood someone's inbox through us.
      signup_mail: rateSetting('API_RATE_SIGNUP_MAIL', env.API_RATE_SIGNUP_MAIL, '5/1h'),
      questions: rateSetting('API_RATE_QUESTIONS', env.API_RATE_QUESTIONS, '5,3/1m'),
      questions_daily: rateSetting('API_RATE_QUESTIONS_DAILY', env.API_RATE_QUESTIONS_DAILY, '100/1d'),
      questions_address: rateSetting('API_RATE_QUESTIONS_ADDRESS', env.API_RATE_QUESTIONS_ADDRESS, '60/1m'),
      sessions: rateSetting('API_RATE_SESSIONS', env.API_RATE_SESSIONS, '10,30/1h'),
    },
    deviceTokenDays: numberSetting('AUTH_DEVICE_TOKEN_DAYS', env.AUTH_DEVICE_TOKEN_DAYS, 90, {
      min: 0,
      max: 3650,
    }),
    rumPerMinute: numberSetting('API_RUM_BATCHES_PER_MINUTE', env.API_RUM_BATCHES_PER_MINUTE, 60, {
      min: 1,
      integer: true,
    }),
    statements: loadStatementSettings(env),
    spendCeiling: loadSpendCeilingSettings(env),
    signupMail: loadSignupMailSettings(env),
    businessMetricsIntervalMs: durationSetting(
      'BUSINESS_METRICS_INTERVAL_SECONDS',
      env.BUSINESS_METRICS_INTERVAL_SECONDS,
      '300',
      { min: 1000, timer: true },
    ),
  };
}
