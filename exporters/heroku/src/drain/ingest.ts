import { ALERTED_HEROKU_CODES } from '@brainbytes/telemetry/heroku-codes';
import type { DrainMetrics } from './drain-metrics';
import { parseLogfmt } from './logfmt';
import type { HistogramMap, SeriesMap } from './series';
import { parseSyslog } from './syslog';
import { millisToSeconds, sampleValue } from './units';

export interface IngestLimits {
  /** Only these app labels are kept (HEROKU_APPS); others become `other`. Empty: the first `maxApps`. */
  apps: ReadonlySet<string>;
  maxApps: number;
  maxSourcesPerApp: number;
  /** Process types kept per app (HEROKU_DRAIN_MAX_PROCESS_TYPES); more become `other`. */
  maxProcessTypesPerApp: number;
}

/**
 * The samples Heroku documents for its add-ons' metrics logs (Dev Center: "Heroku Postgres Metrics
 * Logs", "Heroku Key-Value Store" metrics), with `-` as `_`. Anything else a drain claims is
 * dropped and counted: the names become label values, so they must be a closed set.
 */
const LOAD_AND_IO = ['load_avg_1m', 'load_avg_5m', 'load_avg_15m', 'read_iops', 'write_iops'];
const MEMORY = ['memory_total', 'memory_free', 'memory_cached'];
export const POSTGRES_SAMPLES: ReadonlySet<string> = new Set([
  'current_transaction',
  'db_size',
  'tables',
  'active_connections',
  'waiting_connections',
  'index_cache_hit_rate',
  'table_cache_hit_rate',
  'tmp_disk_used',
  'tmp_disk_available',
  'memory_postgres',
  'wal_percentage_used',
  ...LOAD_AND_IO,
  ...MEMORY,
]);
export const REDIS_SAMPLES: ReadonlySet<string> = new Set([
  'active_connections',
  'memory_redis',
  'hit_rate',
  'evicted_keys',
  ...LOAD_AND_IO,
  ...MEMORY,
]);

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);
const DYNO_SOURCE = /^[a-z][a-z0-9_-]*\.\d+$/;
const MEMORY_KINDS: Record<string, string> = {
  memory_total: 'total',
  memory_rss: 'rss',
  memory_cache: 'cache',
  memory_swap: 'swap',
  memory_quota: 'quota',
};
const { router: ALERTED_ROUTER_CODES, dyno: ALERTED_DYNO_CODES } = ALERTED_HEROKU_CODES;
const LOAD_WINDOWS: Record<string, string> = { load_avg_1m: '1m', load_avg_5m: '5m', load_avg_15m: '15m' };

/**
 * Turns drain messages into metrics: router lines, runtime metrics, R errors and state changes,
 * Postgres and Redis samples, and Logplex L errors. Label values are bounded: apps by
 * HEROKU_APPS or a cap, sources by a cap per app, methods, statuses and error codes by shape.
 */
export class DrainIngest {
  private readonly seenApps = new Set<string>();
  private readonly sourcesByApp = new Map<string, Set<string>>();
  private readonly keys = new Map<string, string>();

  constructor(
    private readonly m: DrainMetrics,
    private readonly limits: IngestLimits,
  ) {}

  ingest(appHint: string, messages: readonly string[]) {
    const ingestLine = this.forApp(appHint);
    for (const line of messages) ingestLine(line);
  }

  /** A function that ingests one message of this app's drain. */
  forApp(appHint: string): (line: string) => void {
    const app = this.appLabel(appHint);
    return (line) => {
      const message = parseSyslog(line);
      if (!message) {
        this.m.drainMalformed.add('', 1);
        return;
      }
      this.m.drainMessages.add(this.key(this.m.drainMessages, this.handle(app, message)), 1);
    };
  }

  /** Updates the metrics for one message; returns its kind. */
  private handle(
    app: string,
    { appName, procId, text }: { appName: string; procId: string; text: string },
  ): string {
    if (appName === 'heroku' && procId === 'router') return this.router(app, text);
    if (procId === 'heroku-postgres' || procId === 'heroku-redis') return this.addonSample(app, procId, text);
    if (appName === 'heroku' && procId === 'logplex') return this.logplex(app, text);
    if (appName === 'heroku' && DYNO_SOURCE.test(procId)) return this.dyno(app, procId, text);
    return 'other';
  }

  /**
   * Alerts read `increase()`, which cannot see a counter that appears already at 1: the first
   * message from an app (router) or a process type (dyno) starts the counters alerts watch at 0.
   * Looked up per message, so keyed without building strings.
   */
  private readonly routerApps = new Set<string>();
  private readonly dynoTypes = new Map<string, Set<string>>();

  private startRouterAt0(app: string) {
    if (this.routerApps.has(app)) return;
    this.routerApps.add(app);
    for (const code of ALERTED_ROUTER_CODES)
      this.m.routerErrors.add(this.key(this.m.routerErrors, app, code), 0);
    for (const code of ALERTED_HEROKU_CODES.logplex)
      this.m.logplexErrors.add(this.key(this.m.logplexErrors, app, code), 0);
  }

  private startDynoAt0(app: string, processType: string) {
    const types = this.dynoTypes.get(app) ?? new Set<string>();
    if (types.has(processType)) return;
    this.dynoTypes.set(app, types);
    types.add(processType);
    this.m.dynoCrashes.add(this.key(this.m.dynoCrashes, app, processType), 0);
    this.m.dynoRestarts.add(this.key(this.m.dynoRestarts, app, processType), 0);
    for (const code of ALERTED_DYNO_CODES)
      this.m.dynoErrors.add(this.key(this.m.dynoErrors, app, processType, code), 0);
  }

  private router(app: string, text: string): string {
    this.startRouterAt0(app);
    const f = parseLogfmt(text);
    const method = METHODS.has(f.get('method') ?? '') ? f.get('method')! : 'OTHER';
    const rawStatus = f.get('status') ?? '';
    const status = /^[1-5]\d\d$/.test(rawStatus) ? rawStatus : 'unknown';
    this.m.routerRequests.add(this.key(this.m.routerRequests, app, method, status), 1);
    const code = f.get('code');
    if (f.get('at') === 'error' && code) {
      this.m.routerErrors.add(this.key(this.m.routerErrors, app, /^H\d\d$/.test(code) ? code : 'other'), 1);
    }
    const appKey = this.key(this.m.routerConnect, app);
    const connect = millisToSeconds(f.get('connect'));
    if (connect !== undefined) this.m.routerConnect.observe(appKey, connect);
    const service = millisToSeconds(f.get('service'));
    if (service !== undefined) this.m.routerService.observe(appKey, service);
    const bytes = Number(f.get('bytes'));
    if (bytes > 0) this.m.routerBytes.add(appKey, bytes);
    return 'router';
  }

  private dyno(app: string, procId: string, text: string): string {
    const processType = this.processTypeLabel(app, procId.slice(0, procId.indexOf('.')));
    this.startDynoAt0(app, processType);
    if (text.startsWith('source=') || text.includes(' sample#')) {
      const f = parseLogfmt(text);
      // A process type past the cap has no sources of its own either.
      const source = processType === 'other' ? 'other' : this.sourceLabel(app, f.get('source') ?? procId);
      for (const [name, raw] of f) {
        if (!name.startsWith('sample#')) continue;
        const sample = name.slice(7);
        const value = sampleValue(raw);
        if (value === undefined) continue;
        if (MEMORY_KINDS[sample]) {
          this.m.dynoMemory.set(
            this.key(this.m.dynoMemory, app, processType, source, MEMORY_KINDS[sample]),
            value,
          );
        } else if (LOAD_WINDOWS[sample]) {
          this.m.dynoLoad.set(
            this.key(this.m.dynoLoad, app, processType, source, LOAD_WINDOWS[sample]),
            value,
          );
        }
      }
      return 'runtime_metrics';
    }
    const error = /^Error (R\d\d)\b/.exec(text);
    if (error) {
      this.m.dynoErrors.add(this.key(this.m.dynoErrors, app, processType, error[1]!), 1);
      return 'dyno_error';
    }
    if (/^State changed from \w+ to crashed/.test(text)) {
      this.m.dynoCrashes.add(this.key(this.m.dynoCrashes, app, processType), 1);
      return 'dyno_crash';
    }
    if (text === 'Restarting' || text.startsWith('Cycling')) {
      this.m.dynoRestarts.add(this.key(this.m.dynoRestarts, app, processType), 1);
      return 'dyno_restart';
    }
    return 'dyno';
  }

  private addonSample(app: string, procId: string, text: string): string {
    const postgres = procId === 'heroku-postgres';
    const f = parseLogfmt(text);
    const source = this.sourceLabel(app, f.get('source') ?? (postgres ? 'DATABASE' : 'REDIS'));
    for (const [name, raw] of f) {
      if (!name.startsWith('sample#')) continue;
      const metric = name.slice(7).replace(/-/g, '_');
      const value = sampleValue(raw);
      if (value === undefined) continue;
      if (!(postgres ? POSTGRES_SAMPLES : REDIS_SAMPLES).has(metric)) {
        this.m.drainDropped.add(this.key(this.m.drainDropped, 'unknown_sample'), 1);
        continue;
      }
      if (postgres) {
        this.m.postgresSample.set(this.key(this.m.postgresSample, app, source, metric), value);
        if (metric === 'db_size')
          this.m.postgresDbSize.set(this.key(this.m.postgresDbSize, app, source), value);
        if (metric === 'active_connections' || metric === 'waiting_connections') {
          const state = metric.slice(0, metric.indexOf('_'));
          this.m.postgresConnections.set(this.key(this.m.postgresConnections, app, source, state), value);
        }
      } else {
        this.m.redisSample.set(this.key(this.m.redisSample, app, source, metric), value);
        if (metric === 'memory_redis')
          this.m.redisMemory.set(this.key(this.m.redisMemory, app, source), value);
      }
    }
    return postgres ? 'postgres' : 'redis';
  }

  private logplex(app: string, text: string): string {
    const error = /^Error (L\d\d)\b/.exec(text);
    if (!error) return 'other';
    this.m.logplexErrors.add(this.key(this.m.logplexErrors, app, error[1]!), 1);
    const dropped = /(\d+) messages dropped/.exec(text);
    if (dropped) this.m.logplexDropped.add(this.key(this.m.logplexDropped, app), Number(dropped[1]));
    return 'logplex_error';
  }

  /** The rendered label text for these values, cached: most lines repeat the same few label sets. */
  private key(metric: SeriesMap | HistogramMap, ...values: string[]): string {
    const id = `${metric.name}\u0000${values.join('\u0000')}`;
    let key = this.keys.get(id);
    if (key === undefined) {
      key = metric.key(values);
      this.keys.set(id, key);
    }
    return key;
  }

  private appLabel(app: string): string {
    if (this.limits.apps.size > 0) return this.limits.apps.has(app) ? app : 'other';
    if (this.seenApps.has(app)) return app;
    if (this.seenApps.size >= this.limits.maxApps || !/^[a-z][a-z0-9-]{1,29}$/.test(app)) return 'other';
    this.seenApps.add(app);
    return app;
  }

  private readonly typesByApp = new Map<string, Set<string>>();

  /** The process type as a label: the first `maxProcessTypesPerApp` of an app, then `other` (counted). */
  private processTypeLabel(app: string, processType: string): string {
    if (admit(this.typesByApp, app, processType, this.limits.maxProcessTypesPerApp)) return processType;
    this.m.drainDropped.add(this.key(this.m.drainDropped, 'process_type_cap'), 1);
    return 'other';
  }

  private sourceLabel(app: string, source: string): string {
    const valid = /^[A-Za-z0-9_.-]{1,64}$/.test(source);
    return valid && admit(this.sourcesByApp, app, source, this.limits.maxSourcesPerApp) ? source : 'other';
  }
}

/** Whether `value` is (or now becomes) one of the at most `max` label values kept for `app`. */
function admit(byApp: Map<string, Set<string>>, app: string, value: string, max: number): boolean {
  let values = byApp.get(app);
  if (!values) {
    values = new Set();
    byApp.set(app, values);
  }
  if (values.has(value)) return true;
  if (values.size >= max) return false;
  values.add(value);
  return true;
}
