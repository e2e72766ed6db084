import { HEROKU_EXPORTER_METRICS, metricOptions } from '@brainbytes/telemetry';
import { Counter, type Registry } from 'prom-client';
import { type AccrualState, CostAccrual, dynoPrices, monthlyRunRate } from './cost';
import type { Gauges } from './gauges';
import type { PlatformSnapshot } from './platform/poller';
import type { StateStore } from './state-store';

/** The account-wide Eco plan fee is not any one app's: it is labelled with this app value. */
export const ACCOUNT_APP = '_account';

/**
 * What the apps cost: dyno prices, the run-rate per app, and the month's accrual, which survives
 * restarts in `store` (saved after each poll, restored before the server listens).
 */
export function registerCostMetrics(
  registry: Registry,
  { gauge }: Gauges,
  snapshot: () => PlatformSnapshot | undefined,
  options: { ecoPlanMonthlyDollars: number },
  store: StateStore,
  onStateError: (action: 'load' | 'save', error: unknown) => void,
) {
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

  gauge(HEROKU_EXPORTER_METRICS.dynoSizeMonthlyPriceDollars, (g) => {
    for (const [size, price] of dynoPrices(snapshot()?.dynoSizes ?? []))
      g.set({ size, source: price.source }, price.dollars);
  });
  gauge(HEROKU_EXPORTER_METRICS.monthlyRunRateDollars, (g) => {
    const { rates, eco } = runRates();
    for (const [app, r] of rates) {
      g.set({ app, component: 'dynos' }, r.dynos);
      g.set({ app, component: 'addons' }, r.addons);
    }
    if (eco > 0) g.set({ app: ACCOUNT_APP, component: 'eco_plan' }, eco);
  });
  gauge(HEROKU_EXPORTER_METRICS.unpricedDynoSize, (g) => {
    for (const [app, r] of runRates().rates) for (const size of r.unpriced) g.set({ app, size }, 1);
  });
  new Counter({
    ...metricOptions(HEROKU_EXPORTER_METRICS.costAccruedDollarsTotal),
    registers: [registry],
    collect() {
      tickAccrual();
      this.reset();
      for (const [app, dollars] of accrual.entries()) this.inc({ app }, dollars);
    },
  });
  return { tickAccrual, saveState, restoreState };
}
