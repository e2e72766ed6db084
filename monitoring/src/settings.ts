import { ConfigError } from '@brainbytes/telemetry/service/config-error';
import type { ScrapeTarget } from './config';

/** The value checks of monitoring's settings (config.ts): each names the variable it refuses. */
type Env = Record<string, string | undefined>;

const DURATION = /^\d+(ms|s|m|h|d|w|y)$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

export function duration(name: string, value: string): string {
  if (!DURATION.test(value))
    throw new ConfigError(`${name}="${value}" must be a Prometheus duration like 15s or 15d`);
  return value;
}

export function email(name: string, value: string): string {
  for (const address of value.split(',')) {
    if (!EMAIL.test(address.trim()))
      throw new ConfigError(`${name}="${value}" must be an email address (or a comma-separated list)`);
  }
  return value;
}

/** An http(s) URL; it may carry credentials, so the error does not repeat it. */
export function httpUrl(name: string, value: string): string {
  if (!/^https?:\/\/[^/\s]/.test(value)) throw new ConfigError(`${name} must be an http(s) URL`);
  return value;
}

/** `localhost:9091` or `https://brainbytes-gateway.herokuapp.com`: the scheme decides TLS. */
export function target(env: Env, prefix: string): ScrapeTarget | undefined {
  const name = `${prefix}_TARGET`;
  const text = env[name]?.trim();
  const username = env[`${prefix}_SCRAPE_USER`]?.trim() || undefined;
  const passwordFile = env[`${prefix}_SCRAPE_PASSWORD_FILE`]?.trim() || undefined;
  if (Boolean(username) !== Boolean(passwordFile))
    throw new ConfigError(`${prefix}_SCRAPE_USER and ${prefix}_SCRAPE_PASSWORD_FILE must be set together`);
  if (!text) {
    if (username)
      throw new ConfigError(`${prefix}_SCRAPE_USER is set but ${name} is not: set where to scrape`);
    return undefined;
  }
  const match = /^(?:(https?):\/\/)?([A-Za-z0-9.-]+(?::\d{1,5})?)\/?$/.exec(text);
  if (!match) throw new ConfigError(`${name}="${text}" must be host:port or an http(s) URL without a path`);
  return {
    scheme: match[1] === 'https' ? 'https' : 'http',
    address: match[2] as string,
    ...(username && passwordFile ? { username, passwordFile } : {}),
  };
}
