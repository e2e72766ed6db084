import { ALERTED_HEROKU_CODES } from '@brainbytes/telemetry/metrics/heroku-codes';
import type { DrainLabels } from '../labels';
import { parseLogfmt } from '../logfmt';
import type { DrainMetrics } from '../metrics';
import { millisToSeconds } from '../units';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

/** The router's line for each request: method, status, H errors, connect and service time, bytes. */
export class RouterLines {
  /** Apps whose alerted router and Logplex codes already stand at 0. */
  private readonly started = new Set<string>();

  constructor(
    private readonly m: DrainMetrics,
    private readonly labels: DrainLabels,
  ) {}

  handle(app: string, text: string): string {
    const { m, labels } = this;
    this.startAt0(app);
    const f = parseLogfmt(text);
    const method = METHODS.has(f.get('method') ?? '') ? f.get('method')! : 'OTHER';
    const rawStatus = f.get('status') ?? '';
    const status = /^[1-5]\d\d$/.test(rawStatus) ? rawStatus : 'unknown';
    m.routerRequests.add(labels.key(m.routerRequests, app, method, status), 1);
    const code = f.get('code');
    if (f.get('at') === 'error' && code) {
      m.routerErrors.add(labels.key(m.routerErrors, app, /^H\d\d$/.test(code) ? code : 'other'), 1);
    }
    const appKey = labels.key(m.routerConnect, app);
    const connect = millisToSeconds(f.get('connect'));
    if (connect !== undefined) m.routerConnect.observe(appKey, connect);
    const service = millisToSeconds(f.get('service'));
    if (service !== undefined) m.routerService.observe(appKey, service);
    const bytes = Number(f.get('bytes'));
    if (bytes > 0) m.routerBytes.add(appKey, bytes);
    return 'router';
  }

  /**
   * Alerts read `increase()`, which cannot see a counter that appears already at 1: an app's first
   * router line starts the codes alerts watch at 0.
   */
  private startAt0(app: string) {
    if (this.started.has(app)) return;
    this.started.add(app);
    const { m, labels } = this;
    for (const code of ALERTED_HEROKU_CODES.router)
      m.routerErrors.add(labels.key(m.routerErrors, app, code), 0);
    for (const code of ALERTED_HEROKU_CODES.logplex)
      m.logplexErrors.add(labels.key(m.logplexErrors, app, code), 0);
  }
}
