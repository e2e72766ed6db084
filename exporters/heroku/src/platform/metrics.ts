import { metricOptions } from '@brainbytes/telemetry/metrics';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { registerCostMetrics } from '../cost/metrics';
import { MemoryStateStore, type StateStore } from '../cost/state-store';
import { gauges } from '../gauges';
import { PLATFORM_METRICS as M } from './catalog';
import { registerPlatformGauges } from './gauges';
import type { PlatformCache } from './poller';

export { ACCOUNT_APP } from '../cost/metrics';

/**
 * Metrics from the Platform API cache and the cost model. Values are filled at scrape time from the
 * poller's last data (collect callbacks), so a scrape never waits on Heroku. `cache` is absent when
 * no token is set (the Platform API is not polled).
 */
export function createPlatformMetrics(
  cache: PlatformCache | undefined,
  options: {
    pollIntervalMs: number;
    ecoPlanMonthlyDollars: number;
    /** Lambda functions and AWS_REGION are set: the CloudWatch poller runs. */
    cloudWatchConfigured?: boolean;
  },
  store: StateStore = new MemoryStateStore(),
  onStateError: (action: 'load' | 'save', error: unknown) => void = () => {},
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const snapshot = () => cache?.snapshot;
  const stateErrors = new Counter({
    ...metricOptions(M.exporterStateErrorsTotal),
    registers: [registry],
  });
  const g = gauges(registry);
  const { dynamicGauge } = g;
  registerPlatformGauges(g, snapshot);
  // Filled once now, so a gauge says "not known yet" (NaN or no series) before any poll lands.
  g.refresh();
  const { tickAccrual, saveState, restoreState } = registerCostMetrics(
    registry,
    g,
    snapshot,
    options,
    store,
    (action, error) => {
      stateErrors.inc({ action });
      onStateError(action, error);
    },
  );
  dynamicGauge(M.exporterLastSuccessTimestampSeconds, (g) => {
    const last = cache?.lastSuccessMs;
    if (last) g.set(last / 1000);
  });
  dynamicGauge(M.exporterUp, (g) => {
    const last = cache?.lastSuccessMs ?? 0;
    g.set(last > 0 && Date.now() - last <= 3 * options.pollIntervalMs ? 1 : 0);
  });
  // A newcomer's stack without a Heroku token or AWS settings says so, and its alerts stay quiet.
  dynamicGauge(M.exporterSourceConfigured, (g) => {
    g.set({ source: 'platform_api' }, cache ? 1 : 0);
    g.set({ source: 'cloudwatch' }, options.cloudWatchConfigured ? 1 : 0);
  });
  dynamicGauge(M.exporterPollDurationSeconds, (g) => {
    if (cache) g.set(cache.lastPollSeconds);
  });
  const apiRequests = new Counter({
    ...metricOptions(M.exporterApiRequestsTotal),
    registers: [registry],
  });
  const apiErrors = new Counter({
    ...metricOptions(M.exporterApiErrorsTotal),
    registers: [registry],
  });
  /** Called when a poll lands: refills the cached gauges, advances the cost accrual and saves it (resolves when saved). */
  const onPolled = () => {
    g.refresh();
    tickAccrual();
    return saveState();
  };
  return { registry, apiRequests, apiErrors, onPolled, restoreState, saveState };
}
