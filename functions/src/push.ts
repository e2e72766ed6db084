import { ConfigError, PushClient } from '@brainbytes/telemetry';
import type { Registry } from 'prom-client';

/** Seconds from the environment as milliseconds, with a message naming the variable when it is not a number ≥ min. */
export function secondsSetting(
  name: string,
  text: string | undefined,
  fallbackSeconds: number,
  min = 1,
): number {
  const seconds = Number(text?.trim() || fallbackSeconds);
  if (!Number.isFinite(seconds) || seconds < min)
    throw new ConfigError(`${name}="${text}" must be a number of seconds, at least ${min}`);
  return seconds * 1000;
}

export interface PushSettings {
  pushgatewayUrl: string | undefined;
  pushgatewayCredentials: string | undefined;
  environment: string;
  /** PUSH_INTERVAL_SECONDS, default 10. */
  pushIntervalMs: number;
}

/** Long-lived servers (local, Heroku dynos): push every `pushIntervalMs` and on SIGTERM, when a gateway is configured. */
export function startPushing(registry: Registry, job: string, settings: PushSettings) {
  if (!settings.pushgatewayUrl) return undefined;
  return new PushClient({
    url: settings.pushgatewayUrl,
    credentials: settings.pushgatewayCredentials,
    registry,
    job,
    groupings: { environment: settings.environment, platform: process.env.DYNO ? 'heroku' : 'local' },
  }).start(settings.pushIntervalMs);
}
