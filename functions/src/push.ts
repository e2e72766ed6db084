import { PushClient } from '@brainbytes/telemetry';
import type { Registry } from 'prom-client';

export interface PushSettings {
  pushgatewayUrl: string | undefined;
  pushgatewayCredentials: string | undefined;
  environment: string;
}

/** Long-lived servers (local, Heroku dynos): push every 10 s and on SIGTERM, when a gateway is configured. */
export function startPushing(registry: Registry, job: string, settings: PushSettings) {
  if (!settings.pushgatewayUrl) return undefined;
  return new PushClient({
    url: settings.pushgatewayUrl,
    credentials: settings.pushgatewayCredentials,
    registry,
    job,
    groupings: { environment: settings.environment, platform: process.env.DYNO ? 'heroku' : 'local' },
  }).start(10_000);
}
