import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { registerCostMetrics } from './cost-metrics';
import { gauges } from './gauges';
import type { PlatformPoller } from './platform/poller';
import { registerPlatformGauges } from './platform-gauges';
import { MemoryStateStore, type StateStore } from './state-store';

export { ACCOUNT_APP } from './cost-metrics';

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
  const snapshot = () => poller()?.snapshot;
  const g = gauges(registry);
  const { dynamicGauge } = g;
  registerPlatformGauges(g, snapshot);
  const { tickAccrual, saveState, restoreState } = registerCostMetrics(
    registry,
    g,
    snapshot,
    options,
    store,
    onStateError,
  );
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
    g.refresh();
    tickAccrual();
    return saveState();
  };
  return { registry, apiRequests, apiErrors, onPolled, restoreState, saveState };
}
