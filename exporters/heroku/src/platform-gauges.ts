import type { Gauges } from './gauges';
import type { PlatformSnapshot } from './platform/poller';

const DYNO_STATES = ['up', 'starting', 'idle', 'crashed', 'down'];

/** What the Platform API says of each app: the apps, dynos, formation, releases, add-ons, features. */
export function registerPlatformGauges(
  { gauge, dynamicGauge }: Gauges,
  snapshot: () => PlatformSnapshot | undefined,
) {
  gauge(
    'heroku_app_info',
    'Apps the token sees (or HEROKU_APPS), with region and stack; always 1.',
    ['app', 'region', 'stack'],
    (g) => {
      for (const [name, { app }] of snapshot()?.apps ?? [])
        g.set({ app: name, region: app.region?.name ?? '', stack: app.stack?.name ?? '' }, 1);
    },
  );
  gauge(
    'heroku_dynos',
    'Dynos by process type, size and state (every state present, 0 when none).',
    ['app', 'type', 'size', 'state'],
    (g) => {
      for (const [name, state] of snapshot()?.apps ?? []) {
        const byTypeAndSize = new Map<string, { type: string; size: string; states: Map<string, number> }>();
        for (const dyno of state.dynos) {
          const id = `${dyno.type}/${dyno.size}`;
          let entry = byTypeAndSize.get(id);
          if (!entry) {
            entry = { type: dyno.type, size: dyno.size, states: new Map(DYNO_STATES.map((s) => [s, 0])) };
            byTypeAndSize.set(id, entry);
          }
          entry.states.set(dyno.state, (entry.states.get(dyno.state) ?? 0) + 1);
        }
        for (const { type, size, states } of byTypeAndSize.values()) {
          for (const [s, count] of states) g.set({ app: name, type, size, state: s }, count);
        }
      }
    },
  );
  gauge(
    'heroku_formation_quantity',
    'Dynos the formation asks for, by process type and size.',
    ['app', 'type', 'size'],
    (g) => {
      for (const [name, state] of snapshot()?.apps ?? []) {
        for (const f of state.formation) g.set({ app: name, type: f.type, size: f.size }, f.quantity);
      }
    },
  );
  gauge('heroku_release_version', 'Version of the latest release.', ['app', 'status'], (g) => {
    for (const [name, { release }] of snapshot()?.apps ?? [])
      if (release) g.set({ app: name, status: release.status ?? 'unknown' }, release.version);
  });
  dynamicGauge(
    'heroku_release_age_seconds',
    'Seconds since the latest release was created.',
    ['app'],
    (g) => {
      for (const [name, { release }] of snapshot()?.apps ?? []) {
        if (release) g.set({ app: name }, (Date.now() - Date.parse(release.created_at)) / 1000);
      }
    },
  );
  gauge(
    'heroku_addon_monthly_price_dollars',
    'Monthly price of each add-on from billed_price (0 for contract pricing).',
    ['app', 'service', 'plan'],
    (g) => {
      for (const [name, state] of snapshot()?.apps ?? []) {
        for (const a of state.addons) {
          const price = a.billed_price;
          const dollars = price && !price.contract && typeof price.cents === 'number' ? price.cents / 100 : 0;
          g.set({ app: name, service: a.addon_service.name, plan: a.plan.name }, dollars);
        }
      }
    },
  );
  gauge(
    'heroku_app_feature_enabled',
    'App features, 1 when enabled (log-runtime-metrics feeds the dyno metrics).',
    ['app', 'feature'],
    (g) => {
      for (const [name, state] of snapshot()?.apps ?? [])
        for (const f of state.features) g.set({ app: name, feature: f.name }, f.enabled ? 1 : 0);
    },
  );
  gauge(
    'heroku_api_rate_limit_remaining',
    'Platform API requests left in the current rate-limit window.',
    [],
    (g) => {
      const remaining = snapshot()?.rateLimitRemaining;
      if (remaining !== undefined) g.set(remaining);
    },
  );
}
