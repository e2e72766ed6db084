import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { lambdaReportNamespace, LAMBDA_REPORT_METRICS as REPORT } from '@brainbytes/telemetry/metrics';
import type { Logger } from '@brainbytes/telemetry/service';
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
  /** From the REPORT metrics: INIT by statistic (cold starts only; empty when there were none). */
  initDurationSeconds: Map<string, number>;
  /** The most memory one invocation used (MB), when any ran. */
  maxMemoryUsedMb: number | undefined;
  /** Invocations Lambda stopped at their timeout, and killed for memory. */
  timeouts: number;
  outOfMemory: number;
}

export interface MonthToDate {
  /** The UTC month these sums are for, e.g. 2026-11. */
  month: string;
  /** Duration × configured memory: the handlers' time, without INIT or rounding. */
  gbSeconds: number;
  /**
   * Billed duration (INIT included, rounded up per invocation) × configured memory: what AWS bills.
   * Undefined while CloudWatch has no REPORT metrics for it this month (filters not deployed yet).
   */
  billedGbSeconds: number | undefined;
  invocations: number;
}

/** One metric and statistic of a function: Lambda's own (AWS/Lambda) or its REPORT's (our filters). */
interface Wanted {
  source: 'lambda' | 'report';
  metric: string;
  stat: string;
  /** Puts the newest value of the period (undefined: CloudWatch has no datapoint) into the stats. */
  put: (stats: RecentStats, value: number | undefined) => void;
}

type CountKey = 'invocations' | 'errors' | 'throttles' | 'timeouts' | 'outOfMemory';
type MaximumKey = 'concurrentExecutions' | 'maxMemoryUsedMb';

const DAY_SECONDS = 86_400;

const query = (id: string, fn: string, want: Omit<Wanted, 'put'>, period: number): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric:
      want.source === 'lambda'
        ? {
            Namespace: 'AWS/Lambda',
            MetricName: want.metric,
            Dimensions: [{ Name: 'FunctionName', Value: fn }],
          }
        : { Namespace: lambdaReportNamespace(fn), MetricName: want.metric },
    Period: period,
    Stat: want.stat,
  },
  ReturnData: true,
});

const emptyStats = (): RecentStats => ({
  invocations: 0,
  errors: 0,
  throttles: 0,
  concurrentExecutions: undefined,
  durationSeconds: new Map(),
  initDurationSeconds: new Map(),
  maxMemoryUsedMb: undefined,
  timeouts: 0,
  outOfMemory: 0,
});

const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);
const monthStart = (ms: number) => Date.parse(`${monthOf(ms)}-01T00:00:00Z`);

/**
 * What a push cannot see, from CloudWatch: invocations that timed out, were throttled or failed to
 * start push nothing, but CloudWatch counts them; and what only each invocation's REPORT says
 * (billed duration with INIT, INIT, peak memory, timeouts, out-of-memory kills; the metric filters
 * of functions/lambda-log-metrics.cjs). Each poll is one GetMetricData call for the last complete
 * period of every function; the month-to-date sums (daily Duration, Invocations and billed
 * duration since the 1st, UTC) are one more call an hour. Last good data is kept when a call fails.
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

  /** What one poll asks of each function: counts, Duration and INIT by statistic, memory, kills. */
  private wanted(): Wanted[] {
    const statistics = [['max', 'Maximum'], ...this.percentiles.map((p) => [p, p])] as const;
    // A count with no datapoint is 0 (CloudWatch leaves a gap, not a 0); a maximum stays unknown.
    const count = (source: Wanted['source'], metric: string, key: CountKey): Wanted => ({
      source,
      metric,
      stat: 'Sum',
      put: (s, v) => {
        s[key] = v ?? 0;
      },
    });
    const maximum = (source: Wanted['source'], metric: string, key: MaximumKey): Wanted => ({
      source,
      metric,
      stat: 'Maximum',
      put: (s, v) => {
        s[key] = v;
      },
    });
    const seconds = (
      source: Wanted['source'],
      metric: string,
      key: 'durationSeconds' | 'initDurationSeconds',
    ) =>
      statistics.map(
        ([statistic, stat]): Wanted => ({
          source,
          metric,
          stat,
          put: (s, v) => {
            if (v !== undefined) s[key].set(statistic, v / 1000);
          },
        }),
      );
    return [
      count('lambda', 'Invocations', 'invocations'),
      count('lambda', 'Errors', 'errors'),
      count('lambda', 'Throttles', 'throttles'),
      maximum('lambda', 'ConcurrentExecutions', 'concurrentExecutions'),
      ...seconds('lambda', 'Duration', 'durationSeconds'),
      ...seconds('report', REPORT.init, 'initDurationSeconds'),
      maximum('report', REPORT.maxMemory, 'maxMemoryUsedMb'),
      count('report', REPORT.timeouts, 'timeouts'),
      count('report', REPORT.outOfMemory, 'outOfMemory'),
    ];
  }

  /** The last complete period: CloudWatch's newest period is still filling in. */
  private async pollRecent(now: number) {
    const period = this.periodSeconds * 1000;
    const end = now - (now % period);
    const wanted = this.wanted();
    const queries = this.functions.flatMap((fn, f) =>
      wanted.map((want, w) => query(`r${f}_${w}`, fn.name, want, this.periodSeconds)),
    );
    const byId = new Map((await this.fetch(queries, end - period, end)).map((r) => [r.Id, r]));
    this.functions.forEach((fn, f) => {
      const stats = emptyStats();
      // The newest datapoint of the window; none means nothing happened (CloudWatch leaves a gap, not a 0).
      for (const [w, want] of wanted.entries()) want.put(stats, byId.get(`r${f}_${w}`)?.Values?.[0]);
      this.recent.set(fn.name, stats);
    });
  }

  /**
   * Daily sums since the 1st: Duration, Invocations, and the REPORT's billed duration (INIT and
   * the rounding included), each × configured memory for GB-seconds.
   */
  private async pollMonth(now: number) {
    const start = monthStart(now);
    const end = start + Math.ceil((now - start) / (DAY_SECONDS * 1000)) * DAY_SECONDS * 1000;
    const sums = [
      { source: 'lambda', metric: 'Duration', stat: 'Sum' },
      { source: 'lambda', metric: 'Invocations', stat: 'Sum' },
      { source: 'report', metric: REPORT.billed, stat: 'Sum' },
    ] as const;
    const queries = this.functions.flatMap((fn, f) =>
      sums.map((want, m) => query(`m${f}_${m}`, fn.name, want, DAY_SECONDS)),
    );
    const byId = new Map((await this.fetch(queries, start, end)).map((r) => [r.Id, r]));
    const total = (id: string) => (byId.get(id)?.Values ?? []).reduce((sum, v) => sum + v, 0);
    this.functions.forEach((fn, f) => {
      const gb = fn.memoryMb / 1024;
      this.monthToDate.set(fn.name, {
        month: monthOf(now),
        gbSeconds: (total(`m${f}_0`) / 1000) * gb,
        invocations: total(`m${f}_1`),
        billedGbSeconds: byId.get(`m${f}_2`)?.Values?.length ? (total(`m${f}_2`) / 1000) * gb : undefined,
      });
    });
  }
}
