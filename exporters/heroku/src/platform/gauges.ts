import type { Gauges } from '../gauges';
import { PLATFORM_METRICS as M } from './catalog';
import type { PlatformSnapshot } from './poller';

const DYNO_STATES = ['up', 'starting', 'idle', 'crashed', 'down'];

/** What the Platform API says of each app: the apps, dynos, formation, releases, add-ons, features. */
export function registerPlatformGauges(
  { gauge, dynamicGauge }: Gauges,
  snapshot: () => PlatformSnapshot | undefined,
) {
  gauge(M.appInfo, (g) => {
    for (const [name, { app }] of snapshot()?.apps ?? [])
      g.set({ app: name, region: app.region?.name ?? '', stack: app.stack?.name ?? '' }, 1);
  });
  gauge(M.dynos, (g) => {
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
  });
  gauge(M.formationQuantity, (g) => {
    for (const [name, state] of snapshot()?.apps ?? []) {
      for (const f of state.formation) g.set({ app: name, type: f.type, size: f.size }, f.quantity);
    }
  });
  gauge(M.releaseVersion, (g) => {
    for (const [name, { release }] of snapshot()?.apps ?? [])
      if (release) g.set({ app: name, status: release.status ?? 'unknown' }, release.version);
  });
  dynamicGauge(M.releaseAgeSeconds, (g) => {
    for (const [name, { release }] of snapshot()?.apps ?? []) {
      if (release) g.set({ app: name }, (Date.now() - Date.parse(release.created_at)) / 1000);
    }
  });
  gauge(M.addonMonthlyPriceDollars, (g) => {
    for (const [name, state] of snapshot()?.apps ?? []) {
      for (const a of state.addons) {
        const price = a.billed_price;
        const dollars = price && !price.contract && typeof price.cents === 'number' ? price.cents / 100 : 0;
        g.set({ app: name, service: a.addon_service.name, plan: a.plan.name }, dollars);
      }
    }
  });
  gauge(M.appFeatureEnabled, (g) => {
    for (const [name, state] of snapshot()?.apps ?? [])
      for (const f of state.features) g.set({ app: name, feature: f.name }, f.enabled ? 1 : 0);
  });
  gauge(M.apiRateLimitRemaining, (g) => {
    // Not known yet (no token, or no answer so far) is NaN, not 0: a 0 would read as "limit reached".
    g.set(snapshot()?.rateLimitRemaining ?? Number.NaN);
  });
}
