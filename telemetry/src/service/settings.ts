import { ConfigError } from './config-error';
import { LOG_LEVELS, type LogLevel } from './logger';

/**
 * The settings every deployable shares, read one way: a value the code cannot use stops the start
 * with a ConfigError that names the variable and says what it takes.
 */
export type Env = Record<string, string | undefined>;

const text = (env: Env, name: string) => env[name]?.trim() || undefined;

/** A number within bounds; `integer` for counts and byte sizes. */
export function numberSetting(
  name: string,
  value: string | undefined,
  fallback: number,
  {
    min = 0,
    max = Number.MAX_SAFE_INTEGER,
    integer = false,
  }: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const n = Number(value?.trim() || fallback);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    const kind = integer ? 'a whole number' : 'a number';
    const range = max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `of at least ${min}`;
    throw new ConfigError(`${name}="${value}" must be ${kind} ${range}`);
  }
  return n;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The longest delay Node's timers take (a 32-bit signed count of milliseconds). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * A duration in milliseconds, in one format everywhere: `500ms`, `90s`, `15m`, `24h`, `7d`. A bare
 * number is in the unit the variable's name carries (`…_SECONDS`, `…_MS`); where the name carries
 * none, only `0` may stand alone (never). `timer`: the value runs a setTimeout or setInterval,
 * which Node fires at once past 2^31-1 ms (about 24.8 days) — a loop, not a long wait — so it is
 * held below that.
 */
export function durationSetting(
  name: string,
  value: string | undefined,
  fallback: string,
  {
    min = 0,
    max: given = Number.MAX_SAFE_INTEGER,
    timer = false,
  }: { min?: number; max?: number; timer?: boolean } = {},
): number {
  const max = timer ? Math.min(given, LONGEST_TIMER_MS) : given;
  const raw = value?.trim() || fallback;
  const bare = name.endsWith('_SECONDS') ? 's' : name.endsWith('_MS') ? 'ms' : undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw);
  const unit = match?.[2] ?? bare ?? (match?.[1] === '0' ? 'ms' : undefined);
  const ms = match && unit ? Number(match[1]) * (UNITS[unit] as number) : Number.NaN;
  if (!Number.isFinite(ms) || ms < min || ms > max) {
    const upTo =
      max === LONGEST_TIMER_MS
        ? ' to 24.8d (the longest wait Node’s timers take)'
        : max < Number.MAX_SAFE_INTEGER
          ? ` to ${max / 1000}s`
          : '';
    const range = `from ${min / 1000}s${upTo}`;
    const bareHint = bare ? `a number of ${bare === 's' ? 'seconds' : 'milliseconds'} or ` : '';
    throw new ConfigError(
      `${name}="${raw}" must be ${bareHint}a duration like 500ms, 90s, 15m, 24h, 7d, ${range}`,
    );
  }
  return Math.round(ms);
}

/** `<SERVICE>_PORT`, else `PORT` (what Heroku gives a dyno), else the service's own default. */
export function portSetting(env: Env, name: string, fallback: number): number {
  const used = text(env, name) ? name : 'PORT';
  const value = text(env, used);
  const port = Number(value ?? fallback);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`${used}="${value}" is not a TCP port (0-65535)`);
  return port;
}

/**
 * `<SERVICE>_HOST`; else every interface on a Heroku dyno (`DYNO` set: the router must reach it)
 * or where the caller says the service is meant to be reached, loopback otherwise.
 */
export function hostSetting(env: Env, name: string, { exposed = false }: { exposed?: boolean } = {}): string {
  return text(env, name) ?? (exposed || text(env, 'DYNO') ? '0.0.0.0' : '127.0.0.1');
}

export function logLevelSetting(env: Env): LogLevel {
  const level = text(env, 'LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as string[]).includes(level))
    throw new ConfigError(`LOG_LEVEL="${level}" must be ${LOG_LEVELS.join(', ')}`);
  return level as LogLevel;
}

export type Environment = 'development' | 'staging' | 'production';

/** BRAINBYTES_ENVIRONMENT: the `environment` label on every metric, and how strict the settings are. */
export function environmentSetting(env: Env): Environment {
  const environment = text(env, 'BRAINBYTES_ENVIRONMENT') ?? 'development';
  if (!['development', 'staging', 'production'].includes(environment))
    throw new ConfigError(
      `BRAINBYTES_ENVIRONMENT="${environment}" must be development, staging or production`,
    );
  return environment as Environment;
}

/** Where this process runs, for the `platform` grouping label of its pushes. */
export function platformOf(env: Env): 'heroku' | 'lambda' | 'local' {
  if (text(env, 'DYNO')) return 'heroku';
  if (text(env, 'AWS_LAMBDA_FUNCTION_NAME')) return 'lambda';
  return 'local';
}

export interface Credential {
  user: string;
  password: string;
}

/** `user:password`; the password may contain colons, the user may not. Errors never echo the value. */
export function credentialSetting(name: string, value: string | undefined): Credential | undefined {
  const entry = value?.trim();
  if (!entry) return undefined;
  const colon = entry.indexOf(':');
  if (colon <= 0 || colon === entry.length - 1)
    throw new ConfigError(`${name} must be user:password (both parts non-empty)`);
  return { user: entry.slice(0, colon).trim(), password: entry.slice(colon + 1) };
}

/** `user:password[,user:password…]`: several, so a credential can be rotated without a gap. */
export function credentialsSetting(name: string, value: string | undefined): Credential[] {
  if (!value?.trim()) return [];
  return value.split(',').map((entry, i) => {
    try {
      return credentialSetting(name, entry) ?? credentialSetting(name, ':');
    } catch {
      throw new ConfigError(`${name}: entry ${i + 1} is not user:password (both parts non-empty)`);
    }
  }) as Credential[];
}
