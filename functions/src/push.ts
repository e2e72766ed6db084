import { PushClient } from '@brainbytes/telemetry/metrics';
import {
  durationSetting,
  type Env,
  type Environment,
  environmentSetting,
  platformOf,
} from '@brainbytes/telemetry/service';
import type { Registry } from 'prom-client';

export interface PushSettings {
  pushgatewayUrl: string | undefined;
  pushgatewayCredentials: string | undefined;
  environment: Environment;
  /** The `platform` grouping label: heroku on a dyno, lambda in a function, else local. */
  platform: 'heroku' | 'lambda' | 'local';
  /** PUSH_INTERVAL_SECONDS (or e.g. 30s), default 10 s; servers only: a Lambda pushes before it returns. */
  pushIntervalMs: number;
}

/** How every function process reaches the Pushgateway, read one way for servers and Lambdas. */
export function loadPushSettings(env: Env = process.env): PushSettings {
  return {
    pushgatewayUrl: env.PUSHGATEWAY_URL?.trim() || undefined,
    pushgatewayCredentials: env.PUSHGATEWAY_PUSH_CREDENTIALS?.trim() || undefined,
    environment: environmentSetting(env),
    platform: platformOf(env),
    pushIntervalMs: durationSetting('PUSH_INTERVAL_SECONDS', env.PUSH_INTERVAL_SECONDS, '10', {
      min: 1000,
      timer: true,
    }),
  };
}

/** The push client for `job`, or none when no gateway is configured. */
export function pushClient(registry: Registry, job: string, settings: PushSettings): PushClient | undefined {
  if (!settings.pushgatewayUrl) return undefined;
  return new PushClient({
    url: settings.pushgatewayUrl,
    credentials: settings.pushgatewayCredentials,
    registry,
    job,
    groupings: { environment: settings.environment, platform: settings.platform },
  });
}

/** Long-lived servers (local, Heroku dynos): push every `pushIntervalMs` and on SIGTERM, when a gateway is configured. */
export function startPushing(registry: Registry, job: string, settings: PushSettings) {
  return pushClient(registry, job, settings)?.start(settings.pushIntervalMs);
}
