import { demoArgs } from '../demo-command';
/**
 * Students, from `npm run demo`: some through the web app on Heroku, some through the API on
 * Lambda (API Gateway's URL). Stopped when a scenario needs silence, started again after.
 */
import { root } from '../stack';
import { type Proc, start } from './processes';

export class Traffic {
  private procs: Proc[] = [];
  private runs = 0;

  /** Where students go (the web app's URL, API Gateway's) and how many. */
  targets: { url: string; students: number }[] = [];

  constructor(private readonly logDir: string) {}

  start() {
    this.runs++;
    this.procs = this.targets.map(({ url, students }, i) =>
      start(`demo-${this.runs}-${i}`, process.execPath, demoArgs({ students, minutes: 30, url }), {
        cwd: root,
        env: {},
        logDir: this.logDir,
      }),
    );
  }

  async stop() {
    await Promise.all(this.procs.map((p) => p.stop()));
    this.procs = [];
  }
}
