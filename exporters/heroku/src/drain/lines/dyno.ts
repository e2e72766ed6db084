import { ALERTED_HEROKU_CODES } from '@brainbytes/telemetry/metrics/heroku-codes';
import type { DrainLabels } from '../labels';
import { parseLogfmt } from '../logfmt';
import type { DrainMetrics } from '../metrics';
import { sampleValue } from '../units';

const MEMORY_KINDS: Record<string, string> = {
  memory_total: 'total',
  memory_rss: 'rss',
  memory_cache: 'cache',
  memory_swap: 'swap',
  memory_quota: 'quota',
};
const LOAD_WINDOWS: Record<string, string> = { load_avg_1m: '1m', load_avg_5m: '5m', load_avg_15m: '15m' };

/** What Heroku says of a dyno (`web.1`): runtime metrics (memory, load), R errors, crashes, restarts. */
export class DynoLines {
  /** Process types, by app, whose crash, restart and alerted R-error counters already stand at 0. */
  private readonly started = new Map<string, Set<string>>();

  constructor(
    private readonly m: DrainMetrics,
    private readonly labels: DrainLabels,
  ) {}

  handle(app: string, procId: string, text: string): string {
    const { m, labels } = this;
    const processType = labels.processType(app, procId.slice(0, procId.indexOf('.')));
    this.startAt0(app, processType);
    if (text.startsWith('source=') || text.includes(' sample#')) {
      const f = parseLogfmt(text);
      // A process type past the cap has no sources of its own either.
      const source = processType === 'other' ? 'other' : labels.source(app, f.get('source') ?? procId);
      for (const [name, raw] of f) {
        if (!name.startsWith('sample#')) continue;
        const sample = name.slice(7);
        const value = sampleValue(raw);
        if (value === undefined) continue;
        if (MEMORY_KINDS[sample]) {
          m.dynoMemory.set(labels.key(m.dynoMemory, app, processType, source, MEMORY_KINDS[sample]), value);
        } else if (LOAD_WINDOWS[sample]) {
          m.dynoLoad.set(labels.key(m.dynoLoad, app, processType, source, LOAD_WINDOWS[sample]), value);
        }
      }
      return 'runtime_metrics';
    }
    const error = /^Error (R\d\d)\b/.exec(text);
    if (error) {
      m.dynoErrors.add(labels.key(m.dynoErrors, app, processType, error[1]!), 1);
      return 'dyno_error';
    }
    if (/^State changed from \w+ to crashed/.test(text)) {
      m.dynoCrashes.add(labels.key(m.dynoCrashes, app, processType), 1);
      return 'dyno_crash';
    }
    if (text === 'Restarting' || text.startsWith('Cycling')) {
      m.dynoRestarts.add(labels.key(m.dynoRestarts, app, processType), 1);
      return 'dyno_restart';
    }
    return 'dyno';
  }

  /** A process type's first line starts the counters alerts watch at 0 (`increase()` needs it). */
  private startAt0(app: string, processType: string) {
    const types = this.started.get(app) ?? new Set<string>();
    if (types.has(processType)) return;
    this.started.set(app, types);
    types.add(processType);
    const { m, labels } = this;
    m.dynoCrashes.add(labels.key(m.dynoCrashes, app, processType), 0);
    m.dynoRestarts.add(labels.key(m.dynoRestarts, app, processType), 0);
    for (const code of ALERTED_HEROKU_CODES.dyno)
      m.dynoErrors.add(labels.key(m.dynoErrors, app, processType, code), 0);
  }
}
