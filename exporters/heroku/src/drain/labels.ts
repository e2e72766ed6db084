import type { DrainMetrics } from './metrics';
import type { HistogramMap, SeriesMap } from './series';

export interface IngestLimits {
  /** Only these app labels are kept (HEROKU_APPS); others become `other`. Empty: the first `maxApps`. */
  apps: ReadonlySet<string>;
  maxApps: number;
  maxSourcesPerApp: number;
  /** Process types kept per app (HEROKU_DRAIN_MAX_PROCESS_TYPES); more become `other`. */
  maxProcessTypesPerApp: number;
}

/**
 * The drain's label values, bounded: apps by HEROKU_APPS or a cap, sources and process types by a
 * cap per app (past it, `other`); and each label set's rendered text, cached, since most lines
 * repeat the same few.
 */
export class DrainLabels {
  private readonly seenApps = new Set<string>();
  private readonly sourcesByApp = new Map<string, Set<string>>();
  private readonly typesByApp = new Map<string, Set<string>>();
  private readonly keys = new Map<string, string>();

  constructor(
    private readonly m: DrainMetrics,
    private readonly limits: IngestLimits,
  ) {}

  /** The rendered label text for these values of `metric`. */
  key(metric: SeriesMap | HistogramMap, ...values: string[]): string {
    const id = `${metric.name}\u0000${values.join('\u0000')}`;
    let key = this.keys.get(id);
    if (key === undefined) {
      key = metric.key(values);
      this.keys.set(id, key);
    }
    return key;
  }

  app(app: string): string {
    if (this.limits.apps.size > 0) return this.limits.apps.has(app) ? app : 'other';
    if (this.seenApps.has(app)) return app;
    if (this.seenApps.size >= this.limits.maxApps || !/^[a-z][a-z0-9-]{1,29}$/.test(app)) return 'other';
    this.seenApps.add(app);
    return app;
  }

  /** The process type as a label: the first `maxProcessTypesPerApp` of an app, then `other` (counted). */
  processType(app: string, processType: string): string {
    if (admit(this.typesByApp, app, processType, this.limits.maxProcessTypesPerApp)) return processType;
    this.m.drainDropped.add(this.key(this.m.drainDropped, 'process_type_cap'), 1);
    return 'other';
  }

  source(app: string, source: string): string {
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
