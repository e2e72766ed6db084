import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { Logger } from '@brainbytes/telemetry';
import { PollLoop } from '../poll-loop';

/** A Lambda function to watch: its full name (service-stage-function) and what it is configured with. */
export interface LambdaFunction {
  name: string;
  memoryMb: number;
  timeoutSeconds: number;
}

/** The last complete CloudWatch period of one function. */
export interface RecentStats {
  invocations: number;
  errors: number;
  throttles: number;
  concurrentExecutions: number | undefined;
  /** Duration by statistic: `max`, and the percentiles asked for (`p50`, `p95` …). */
  durationSeconds: Map<string, number>;
}

export interface MonthToDate {
  /** The UTC month these sums are for, e.g. 2026-11. */
  month: string;
  gbSeconds: number;
  invocations: number;
}

const COUNTS: [
  key: 'invocations' | 'errors' | 'throttles' | 'concurrentExecutions',
  metric: string,
  stat: string,
][] = [
  ['invocations', 'Invocations', 'Sum'],
  ['errors', 'Errors', 'Sum'],
  ['throttles', 'Throttles', 'Sum'],
  ['concurrentExecutions', 'ConcurrentExecutions', 'Maximum'],
];
const MONTH: [key: 'durationMs' | 'invocations', metric: string][] = [
  ['durationMs', 'Duration'],
  ['invocations', 'Invocations'],
];
const DAY_SECONDS = 86_400;

const query = (id: string, fn: string, metric: string, stat: string, period: number): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: 'AWS/Lambda',
      MetricName: metric,
      Dimensions: [{ Name: 'FunctionName', Value: fn }],
    },
    Period: period,
    Stat: stat,
  },
  ReturnData: true,
});

const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);
const monthStart = (ms: number) => Date.parse(`${monthOf(ms)}-01T00:00:00Z`);

/**
 * What a push cannot see, from CloudWatch: invocations that timed out, were throttled or failed to
 * start push nothing, but CloudWatch counts them. Each poll is one GetMetricData call for the last
 * complete period of every function; the month-to-date sums (daily Duration and Invocations since
 * the 1st, UTC) are one more call an hour. Last good data is kept when a call fails.
 */
export class CloudWatchPoller extends PollLoop {
  readonly recent = new Map<string, RecentStats>();
  readonly monthToDate = new Map<string, MonthToDate>();
  lastSuccessMs = 0;
  lastPollOk = false;
  private monthFetchedMs = 0;

  constructor(
    private readonly client: CloudWatchClient,
    readonly functions: readonly LambdaFunction[],
    private readonly periodSeconds: number,
    /** Duration percentiles to ask for (CLOUDWATCH_DURATION_PERCENTILES, e.g. p50,p95). */
    private readonly percentiles: readonly string[],
    private readonly logger: Logger,
    private readonly onPolled: () => void = () => {},
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  static forRegion(region: string) {
    // Credentials from the standard AWS chain; AWS_ENDPOINT_URL_CLOUDWATCH points it elsewhere.
    return new CloudWatchClient({ region, maxAttempts: 3 });
  }

  protected async pollOnce() {
    const now = this.now();
    let ok = true;
    try {
      await this.pollRecent(now);
      if (now - this.monthFetchedMs >= 3600_000 || monthOf(now) !== monthOf(this.monthFetchedMs)) {
        await this.pollMonth(now);
        this.monthFetchedMs = now;
      }
    } catch (error) {
      ok = false;
      this.logger.warn('CloudWatch GetMetricData failed; keeping the last good data', {
        error: (error as Error).message,
      });
    }
    this.lastPollOk = ok;
    if (ok) this.lastSuccessMs = now;
    this.onPolled();
  }

  private async fetch(queries: MetricDataQuery[], start: number, end: number): Promise<MetricDataResult[]> {
    const results: MetricDataResult[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(start),
          EndTime: new Date(end),
          ScanBy: 'TimestampDescending',
          NextToken,
        }),
      );
      results.push(...(page.MetricDataResults ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return results;
  }

  /** The last complete period: CloudWatch's newest period is still filling in. */
  private async pollRecent(now: number) {
    const period = this.periodSeconds * 1000;
    const end = now - (now % period);
    // Per function: the counts, then Duration's maximum and each percentile.
    const durations = [['max', 'Maximum'], ...this.percentiles.map((p) => [p, p])] as const;
    const stats = [
      ...COUNTS.map(([, metric, stat]) => [metric, stat]),
      ...durations.map(([, stat]) => ['Duration', stat]),
    ];
    const queries = this.functions.flatMap((fn, f) =>
      stats.map(([metric, stat], m) =>
        query(`r${f}_${m}`, fn.name, metric as string, stat as string, this.periodSeconds),
      ),
    );
    const byId = new Map((await this.fetch(queries, end - period, end)).map((r) => [r.Id, r]));
    this.functions.forEach((fn, f) => {
      // The newest datapoint of the window; none means nothing happened (CloudWatch leaves a gap, not a 0).
      const latest = (m: number) => byId.get(`r${f}_${m}`)?.Values?.[0];
      const durationSeconds = new Map<string, number>();
      durations.forEach(([statistic], d) => {
        const ms = latest(COUNTS.length + d);
        if (ms !== undefined) durationSeconds.set(statistic, ms / 1000);
      });
      this.recent.set(fn.name, {
        invocations: latest(0) ?? 0,
        errors: latest(1) ?? 0,
        throttles: latest(2) ?? 0,
        concurrentExecutions: latest(3),
        durationSeconds,
      });
    });
  }

  /** Daily sums since the 1st: GB-seconds are billed duration × configured memory. */
  private async pollMonth(now: number) {
    const start = monthStart(now);
    const end = start + Math.ceil((now - start) / (DAY_SECONDS * 1000)) * DAY_SECONDS * 1000;
    const queries = this.functions.flatMap((fn, f) =>
      MONTH.map(([, metric], m) => query(`m${f}_${m}`, fn.name, metric, 'Sum', DAY_SECONDS)),
    );
    const byId = new Map((await this.fetch(queries, start, end)).map((r) => [r.Id, r]));
    const total = (id: string) => (byId.get(id)?.Values ?? []).reduce((sum, v) => sum + v, 0);
    this.functions.forEach((fn, f) => {
      this.monthToDate.set(fn.name, {
        month: monthOf(now),
        gbSeconds: (total(`m${f}_0`) / 1000) * (fn.memoryMb / 1024),
        invocations: total(`m${f}_1`),
      });
    });
  }
}
