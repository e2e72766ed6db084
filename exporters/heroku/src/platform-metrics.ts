import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { type AccrualState, CostAccrual, DYNO_PRICE_TABLE_DATE, dynoPrices, monthlyRunRate } from './cost';
import type { PlatformPoller } from './platform/poller';
import { MemoryStateStore, type StateStore } from './state-store';

const DYNO_STATES = ['up', 'starting', 'idle', 'crashed', 'down'];
/** The account-wide Eco plan fee is not any one app's: it is labelled with this app value. */
export const ACCOUNT_APP = '_account';

/**
 * Metrics from the Platform API cache and the cost model. Values are filled at scrape time from the
 * poller's last data (collect callbacks), so a scrape never waits on Heroku.
 */
export function createPlatformMetrics(
  poller: () => PlatformPoller | undefined,
  options: { pollIntervalMs: number; ecoPlanMonthlyDollars: number },
  store: StateStore = new MemoryStateStore(),
  onStateError: (action: 'load' | 'save', error: unknown) => void = () => {},
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const accrual = new CostAccrual();
  let saving: Promise<void> = Promise.resolve();
  /** Saves after each poll, one write at a time; a failed write is reported and the next one retries. */
  const saveState = () => {
    const state = accrual.state();
    if (state.month < 0) return saving; // nothing accrued yet: never overwrite a saved month with nothing
    const text = JSON.stringify(state);
    saving = saving.then(() => store.save(text)).catch((error: unknown) => onStateError('save', error));
    return saving;
  };
  /** Carries on from the saved month so far; before the server listens, so no scrape sees less. */
  const restoreState = async () => {
    try {
      const text = await store.load();
      return text ? accrual.restore(JSON.parse(text) as AccrualState, Date.now()) : false;
    } catch (error) {
      onStateError('load', error);
      return false;
    }
  };
  const snapshot = () => poller()?.snapshot;
  const refreshers: Array<() => void> = [];
  type Fill = (g: Gauge<string>) => void;
  /** A gauge computed at each scrape (ages and freshness change with the clock). */
  const dynamicGauge = (name: string, help: string, labelNames: string[], fill: Fill) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(this);
      },
    });
  /** A gauge that changes only when a poll lands: refilled then, not at every scrape. */
  const gauge = (name: string, help: string, labelNames: string[], fill: Fill) => {
    const g = new Gauge({ name, help, labelNames, registers: [registry] });
    refreshers.push(() => {
      g.reset();
      fill(g);
    });
  };

  /** Run-rates per app plus the account's Eco fee; recomputed from the cache whenever asked. */
  const runRates = () => {
    const rates = new Map<string, { dynos: number; addons: number; unpriced: string[] }>();
    const snap = snapshot();
    if (!snap) return { rates, eco: 0 };
    const prices = dynoPrices(snap.dynoSizes);
    let usesEco = false;
    for (const [name, state] of snap.apps) {
      const rate = monthlyRunRate(state.formation, state.addons, prices);
      usesEco ||= rate.usesEco;
      rates.set(name, rate);
    }
    return { rates, eco: usesEco ? options.ecoPlanMonthlyDollars : 0 };
  };
  const tickAccrual = () => {
    const { rates, eco } = runRates();
    const totals = new Map([...rates].map(([app, r]) => [app, r.dynos + r.addons]));
    if (eco > 0) totals.set(ACCOUNT_APP, eco);
    accrual.tick(Date.now(), totals);
  };

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
    'heroku_dyno_size_monthly_price_dollars',
    `Monthly price per dyno size: from /dyno-sizes (source="api"), else Heroku's list prices of ${DYNO_PRICE_TABLE_DATE} (source="table").`,
    ['size', 'source'],
    (g) => {
      for (const [size, price] of dynoPrices(snapshot()?.dynoSizes ?? []))
        g.set({ size, source: price.source }, price.dollars);
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
  gauge(
    'heroku_monthly_run_rate_dollars',
    'What the current formation and add-ons cost per month, by component.',
    ['app', 'component'],
    (g) => {
      const { rates, eco } = runRates();
      for (const [app, r] of rates) {
        g.set({ app, component: 'dynos' }, r.dynos);
        g.set({ app, component: 'addons' }, r.addons);
      }
      if (eco > 0) g.set({ app: ACCOUNT_APP, component: 'eco_plan' }, eco);
    },
  );
  gauge(
    'heroku_unpriced_dyno_size',
    'Dyno sizes in a formation with no known price (counted as 0 in the run-rate); 1 each.',
    ['app', 'size'],
    (g) => {
      for (const [app, r] of runRates().rates) for (const size of r.unpriced) g.set({ app, size }, 1);
    },
  );
  new Counter({
    name: 'heroku_cost_accrued_dollars_total',
    help: 'Dollars accrued this UTC month at the run-rate; starts from the month-to-date estimate, and from 0 each new month.',
    labelNames: ['app'],
    registers: [registry],
    collect() {
      tickAccrual();
      this.reset();
      for (const [app, dollars] of accrual.entries()) this.inc({ app }, dollars);
    },
  });
  dynamicGauge(
    'heroku_exporter_last_success_timestamp_seconds',
    'When a poll of the Platform API last fully succeeded.',
    [],
    (g) => {
      const last = poller()?.lastSuccessMs;
      if (last) g.set(last / 1000);
    },
  );
  dynamicGauge(
    'heroku_exporter_up',
    '1 while the Platform API data is fresh (a full poll within 3 intervals), else 0.',
    [],
    (g) => {
      const last = poller()?.lastSuccessMs ?? 0;
      g.set(last > 0 && Date.now() - last <= 3 * options.pollIntervalMs ? 1 : 0);
    },
  );
  dynamicGauge(
    'heroku_exporter_poll_duration_seconds',
    'How long the last poll of the Platform API took.',
    [],
    (g) => {
      const p = poller();
      if (p) g.set(p.lastPollSeconds);
    },
  );
  const apiRequests = new Counter({
    name: 'heroku_exporter_api_requests_total',
    help: 'Platform API requests by endpoint template and HTTP code (or timeout/network).',
    labelNames: ['endpoint', 'code'],
    registers: [registry],
  });
  const apiErrors = new Counter({
    name: 'heroku_exporter_api_errors_total',
    help: 'Platform API calls that failed, by endpoint template and reason.',
    labelNames: ['endpoint', 'reason'],
    registers: [registry],
  });
  /** Called when a poll lands: refills the cached gauges, advances the cost accrual and saves it (resolves when saved). */
  const onPolled = () => {
    for (const refresh of refreshers) refresh();
    tickAccrual();
    return saveState();
  };
  return { registry, apiRequests, apiErrors, onPolled, restoreState, saveState };
}
