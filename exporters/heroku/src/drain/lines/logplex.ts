import type { DrainLabels } from '../labels';
import type { DrainMetrics } from '../metrics';

/** Logplex's own L errors: the drain could not keep up, and how many messages it dropped. */
export class LogplexLines {
  constructor(
    private readonly m: DrainMetrics,
    private readonly labels: DrainLabels,
  ) {}

  handle(app: string, text: string): string {
    const { m, labels } = this;
    const error = /^Error (L\d\d)\b/.exec(text);
    if (!error) return 'other';
    m.logplexErrors.add(labels.key(m.logplexErrors, app, error[1]!), 1);
    const dropped = /(\d+) messages dropped/.exec(text);
    if (dropped) m.logplexDropped.add(labels.key(m.logplexDropped, app), Number(dropped[1]));
    return 'logplex_error';
  }
}
