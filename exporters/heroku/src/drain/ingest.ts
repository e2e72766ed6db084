import { DrainLabels, type IngestLimits } from './labels';
import { AddonSamples } from './lines/addons';
import { DynoLines } from './lines/dyno';
import { LogplexLines } from './lines/logplex';
import { RouterLines } from './lines/router';
import type { DrainMetrics } from './metrics';
import { parseSyslog } from './syslog';

export type { IngestLimits } from './labels';

const DYNO_SOURCE = /^[a-z][a-z0-9_-]*\.\d+$/;

/**
 * Turns drain messages into metrics: each message goes to the handler of its kind (router lines,
 * a dyno's runtime metrics, R errors and state changes, Postgres and Redis samples, Logplex L
 * errors) and is counted by kind. Label values are bounded (DrainLabels).
 */
export class DrainIngest {
  private readonly labels: DrainLabels;
  private readonly router: RouterLines;
  private readonly dyno: DynoLines;
  private readonly addons: AddonSamples;
  private readonly logplex: LogplexLines;

  constructor(
    private readonly m: DrainMetrics,
    limits: IngestLimits,
  ) {
    this.labels = new DrainLabels(m, limits);
    this.router = new RouterLines(m, this.labels);
    this.dyno = new DynoLines(m, this.labels);
    this.addons = new AddonSamples(m, this.labels);
    this.logplex = new LogplexLines(m, this.labels);
  }

  ingest(appHint: string, messages: readonly string[]) {
    const ingestLine = this.forApp(appHint);
    for (const line of messages) ingestLine(line);
  }

  /** A function that ingests one message of this app's drain. */
  forApp(appHint: string): (line: string) => void {
    const app = this.labels.app(appHint);
    return (line) => {
      const message = parseSyslog(line);
      if (!message) {
        this.m.drainMalformed.add('', 1);
        return;
      }
      this.m.drainMessages.add(this.labels.key(this.m.drainMessages, this.dispatch(app, message)), 1);
    };
  }

  /** Hands one message to the handler of its kind; returns the kind. */
  private dispatch(
    app: string,
    { appName, procId, text }: { appName: string; procId: string; text: string },
  ) {
    if (appName === 'heroku' && procId === 'router') return this.router.handle(app, text);
    if (procId === 'heroku-postgres' || procId === 'heroku-redis')
      return this.addons.handle(app, procId, text);
    if (appName === 'heroku' && procId === 'logplex') return this.logplex.handle(app, text);
    if (appName === 'heroku' && DYNO_SOURCE.test(procId)) return this.dyno.handle(app, procId, text);
    return 'other';
  }
}
