import { metricOptions } from '@brainbytes/telemetry/metrics';
import { Counter, type Registry } from 'prom-client';
import type { Gauges } from '../gauges';
import type { PlatformSnapshot } from '../platform/poller';
import { COST_METRICS as M } from './catalog';
import { CostAccrual, dynoPrices, monthlyRunRate, StateRefused } from './model';
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
  /**
   * Whether this month's saved state has been read (or found absent, another month's, or refused as
   * tampered). Until it has, nothing is saved: an estimate made while the store was unreachable
   * must never overwrite the month's real accrual (a 3 s Redis outage at start cut it by 77 %).
   */
  let read = false;
  const refusal = (error: unknown) =>
    error instanceof SyntaxError ? new StateRefused(`not JSON: ${error.message}`) : error;
  /** Carries on from the saved month so far; before the server listens, so no scrape sees less. */
  const restoreState = async (): Promise<boolean> => {
    let text: string | undefined;
    try {
      text = await store.load();
    } catch (error) {
      onStateError('load', error); // unreachable: not read, so nothing will be saved yet
      return false;
    }
    read = true;
    if (!text) return false;
    try {
      return accrual.restore(JSON.parse(text), Date.now()) === 'restored';
    } catch (error) {
      // Damaged or tampered: refused whole, reported, and replaced by this process's own accrual.
      onStateError('load', refusal(error));
      return false;
    }
  };
  /**
   * Saves after each poll, one write at a time; a failed write is reported and the next one
   * retries. Each save first reads what is saved and never writes less (another exporter process
   * may have saved more during a rolling restart).
   */
  const saveState = () => {
    saving = saving.then(async () => {
      if (!read) {
        if (!(await restoreState()) && !read) return; // still unreachable: keep the estimate to ourselves
        tickAccrual();
      }
      if (accrual.state().month < 0) return; // nothing accrued yet: never overwrite a saved month with nothing
      try {
        const current = await store.load();
        if (current) accrual.atLeast(JSON.parse(current), Date.now());
      } catch (error) {
        onStateError('load', refusal(error));
        if (!(error instanceof StateRefused || error instanceof SyntaxError)) return; // unreachable
      }
      await store
        .save(JSON.stringify(accrual.state()))
        .catch((error: unknown) => onStateError('save', error));
    });
    return saving;
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

  gauge(M.dynoSizeMonthlyPriceDollars, (g) => {
    for (const [size, price] of dynoPrices(snapshot()?.dynoSizes ?? []))
      g.set({ size, source: price.source }, price.dollars);
  });
  gauge(M.monthlyRunRateDollars, (g) => {
    const { rates, eco } = runRates();
    for (const [app, r] of rates) {
      g.set({ app, component: 'dynos' }, r.dynos);
      g.set({ app, component: 'addons' }, r.addons);
    }
    if (eco > 0) g.set({ app: ACCOUNT_APP, component: 'eco_plan' }, eco);
  });
  gauge(M.unpricedDynoSize, (g) => {
    for (const [app, r] of runRates().rates) for (const size of r.unpriced) g.set({ app, size }, 1);
  });
  new Counter({
    ...metricOptions(M.costAccruedDollarsTotal),
    registers: [registry],
    collect() {
      tickAccrual();
      this.reset();
      for (const [app, dollars] of accrual.entries()) this.inc({ app }, dollars);
    },
  });
  return { tickAccrual, saveState, restoreState };
}
