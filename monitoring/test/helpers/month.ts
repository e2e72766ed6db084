import type { createPlatformMetrics } from '@brainbytes/heroku-exporter/platform/metrics';
import type { PlatformCache } from '@brainbytes/heroku-exporter/platform/poller';
import { LAMBDA_PRICE } from '../../src/rules/recording';

/**
 * A month of BrainBytes (January 1970, so promtool's clock starts on the 1st) in 5-minute steps,
 * and what each provider would bill for it, computed here from the same inputs the sources see.
 *
 * - Students ask from 08:00 to 22:00 Manila (00:00–14:00 UTC); nights are quiet.
 * - Each answer costs $0.002 until day 20, then $0.006 (a pricier model).
 * - Heroku: the API app runs 2 standard-1x dynos, 4 from day 10 noon, 2 again from day 15; the
 *   monitoring app 1 standard-1x; Postgres $50. The real exporter code accrues it; the exporter
 *   restarts on day 6 (after its first poll) and day 16 (scraped before its first poll), and its
 *   scrapes fail for 10 minutes on day 8.
 * - Lambda, as AWS bills it since August 2025: 1 GB-s of handler time and 4 requests per question,
 *   the job's 0.5 GB-s every 5 minutes, and INIT on every cold start (0.8 GB-s: 1.6 s at 0.5 GB):
 *   3 cold starts every 5 minutes of study, 15 in the morning's first hour, 40 in the first 3 hours
 *   after a deploy (every 4th day) — INIT is over 20 % of the billed time on deploy days. 5
 *   invocations time out (billed to their 30 s). This stack counts a quarter of the free tier
 *   (LAMBDA_FREE_TIER_SHARE=0.25), which requests cross around day 12 and GB-seconds around day 17.
 *   The exporter reports CloudWatch's month-to-date sums (billed, with INIT) one period late.
 * - Prometheus loses its disk on days 4, 13 and 27 at 06:00 UTC (down for one step).
 */
export const STEP_SECONDS = 300;
export const DAYS = 31;
export const STEPS = (DAYS * 86400) / STEP_SECONDS;
const MONTH_SECONDS = DAYS * 86400;

const at = (day: number, hour: number, minute = 0) =>
  ((day - 1) * 86400 + hour * 3600 + minute * 60) / STEP_SECONDS;

export const PRICIER_MODEL_FROM = at(20, 0);
export const WIPES = [at(4, 6), at(13, 6), at(27, 6)];
const EXPORTER_RESTARTS = [
  { step: at(6, 3), scrapedBeforePoll: false },
  { step: at(16, 3), scrapedBeforePoll: true },
];
const EXPORTER_UNREACHABLE = new Set([at(8, 10), at(8, 10, 5)]);
export const SOURCE_MISSING_DAY = 8;

/** What the month test renders the rules with: this stack counts a quarter of the free tier. */
export const LAMBDA_FREE_TIER_SHARE = 0.25;
const FREE = { gbSeconds: 400_000 * LAMBDA_FREE_TIER_SHARE, requests: 1_000_000 * LAMBDA_FREE_TIER_SHARE };
const INIT_GB_SECONDS = 0.8;
const TIMEOUT_GB_SECONDS = 30 * 0.5;
const TIMEOUTS = new Map([
  [at(9, 3), 3],
  [at(22, 5), 2],
]);
const DEPLOY_EVERY_DAYS = 4;

/** Cold starts in the 5 minutes of `step`: a few while students ask; many after a quiet night or a deploy. */
const coldStartsAt = (step: number) => {
  if (questionsAt(step) === 0) return 0;
  const day = Math.floor((step * STEP_SECONDS) / 86400) + 1;
  const hourUtc = Math.floor(((step * STEP_SECONDS) % 86400) / 3600);
  if (day % DEPLOY_EVERY_DAYS === 3 && hourUtc < 3) return 40;
  return hourUtc < 1 ? 15 : 3;
};

/** Per day: INIT's GB-s and all billed GB-s (for the closing note's table). */
export interface LambdaDay {
  day: number;
  initGbSeconds: number;
  billedGbSeconds: number;
  timeouts: number;
}

const questionsAt = (step: number) => {
  const hourUtc = Math.floor(((step * STEP_SECONDS) % 86400) / 3600);
  return hourUtc < 14 ? 30 : 0;
};
const costPerQuestionAt = (step: number) => (step >= PRICIER_MODEL_FROM ? 0.006 : 0.002);
const apiDynosAt = (step: number) => (step >= at(10, 12) && step < at(15, 0) ? 4 : 2);
const STANDARD_1X = 25;
const POSTGRES = 50;

/** A failed scrape or a series a scrape no longer returns: Prometheus marks it stale at once. */
export const STALE = 'stale';
type Value = number | undefined | typeof STALE;

export interface Month {
  /** Series name with labels → one value per step (undefined: absent; stale: just gone). */
  series: Map<string, Value[]>;
  /** What each provider bills up to the end of each step (cumulative dollars). */
  truth: { ai: number[]; heroku: number[]; lambda: number[] };
  lambdaDays: LambdaDay[];
}

export interface ExporterProcess {
  metrics: ReturnType<typeof createPlatformMetrics>;
  /** What the Platform API polls fill and the scrape reads. */
  poller: PlatformCache;
}

/**
 * How a new exporter process starts: the test passes in the exporter's own start-up (with
 * whatever state it keeps), so the month runs the real accrual code.
 */
export type StartExporter = () => Promise<ExporterProcess>;

const formation = (quantity: number) => [{ type: 'web', quantity, size: 'standard-1x' }];
const postgres = {
  addon_service: { name: 'heroku-postgresql' },
  plan: { name: 'heroku-postgresql:essential-2' },
  billed_price: { cents: POSTGRES * 100, unit: 'month' },
};

function appState(name: string, quantity: number, addons: unknown[], nowMs: number) {
  return {
    app: { name },
    dynos: [],
    formation: formation(quantity),
    release: undefined,
    addons,
    features: [],
    fetchedAt: nowMs,
  } as never;
}

/** Runs the month; `setNow` moves the (faked) clock the exporter code reads. */
export async function simulateMonth(
  startExporter: StartExporter,
  setNow: (ms: number) => void,
): Promise<Month> {
  const series = new Map<string, Value[]>();
  const putSeries = (name: string, step: number, value: Value) => {
    const values = series.get(name) ?? new Array<Value>(STEPS + 1).fill(undefined);
    series.set(name, values);
    values[step] = value;
  };
  const truth = { ai: [] as number[], heroku: [] as number[], lambda: [] as number[] };
  let ai = 0;
  let heroku = 0;
  let gbSeconds = 0; // the handlers' time (CloudWatch's Duration)
  let billedGbSeconds = 0; // as AWS bills: INIT and timeouts included
  let requests = 0;
  let questions = 0;
  // Lambda's month-to-date as CloudWatch has it, one period behind.
  let cloudWatch = { gbSeconds: 0, billedGbSeconds: 0, requests: 0 };
  const lambdaDays: LambdaDay[] = [];
  const recent: Array<{ step: number; cost: number; questions: number }> = [];

  setNow(0);
  let exporter = await startExporter();
  for (let step = 0; step <= STEPS; step++) {
    const nowMs = step * STEP_SECONDS * 1000;
    setNow(nowMs);
    // What happened in the 5 minutes ending now.
    if (step > 0) {
      const asked = questionsAt(step - 1);
      const cost = asked * costPerQuestionAt(step - 1);
      ai += cost;
      questions += asked;
      recent.push({ step, cost, questions: asked });
      const apiMonthly = apiDynosAt(step - 1) * STANDARD_1X + POSTGRES;
      heroku += ((apiMonthly + STANDARD_1X) * STEP_SECONDS) / MONTH_SECONDS;
      cloudWatch = { gbSeconds, billedGbSeconds, requests };
      const handler = asked * 1 + 0.5;
      const init = coldStartsAt(step - 1) * INIT_GB_SECONDS;
      const timedOut = TIMEOUTS.get(step - 1) ?? 0;
      gbSeconds += handler + timedOut * TIMEOUT_GB_SECONDS;
      billedGbSeconds += handler + init + timedOut * TIMEOUT_GB_SECONDS;
      requests += asked * 4 + 1;
      const day = Math.floor(((step - 1) * STEP_SECONDS) / 86400) + 1;
      const today = lambdaDays[day - 1] ?? { day, initGbSeconds: 0, billedGbSeconds: 0, timeouts: 0 };
      lambdaDays[day - 1] = today;
      today.initGbSeconds += init;
      today.billedGbSeconds += handler + init + timedOut * TIMEOUT_GB_SECONDS;
      today.timeouts += timedOut;
    }
    truth.ai.push(ai);
    truth.heroku.push(heroku);
    // AWS's bill: the free tier (this stack's share) off the month's billed GB-s and requests.
    truth.lambda.push(
      Math.max(0, billedGbSeconds - FREE.gbSeconds) * LAMBDA_PRICE.gbSecondDollars +
        Math.max(0, requests - FREE.requests) * LAMBDA_PRICE.requestDollars,
    );

    // The job: this month's AI spend and cost per question from the database.
    putSeries('brainbytes_ai_spend_month_to_date_dollars{job="brainbytes-jobs",provider="openai"}', step, ai);
    // The last hour with questions (a quiet night keeps the evening's figure), and the 7 days before it.
    const lastAsked = recent.findLast((r) => r.questions > 0)?.step ?? step;
    const window = (seconds: number, end = step) => {
      const since = end - seconds / STEP_SECONDS;
      const rows = recent.filter((r) => r.step > since && r.step <= end);
      const n = rows.reduce((sum, r) => sum + r.questions, 0);
      return n > 0 ? rows.reduce((sum, r) => sum + r.cost, 0) / n : undefined;
    };
    putSeries(
      'brainbytes_ai_cost_per_question_dollars{job="brainbytes-jobs",window="1h"}',
      step,
      window(3600, lastAsked),
    );
    putSeries(
      'brainbytes_ai_cost_per_question_dollars{job="brainbytes-jobs",window="7d"}',
      step,
      window(7 * 86400 - 3600, lastAsked - 12), // the 7 days before that hour
    );
    // The functions' pushed counters (through the gateway).
    const pushed = 'job="brainbytes-api",environment="production",platform="lambda",function="api"';
    putSeries(`brainbytes_ai_cost_dollars_total{${pushed},provider="openai",model="tutor"}`, step, ai);
    putSeries(`brainbytes_questions_total{${pushed},subject="math",client_type="mobile"}`, step, questions);
    putSeries(`brainbytes_function_gb_seconds_total{${pushed}}`, step, gbSeconds);
    putSeries(`brainbytes_function_billed_gb_seconds_total{${pushed}}`, step, billedGbSeconds);
    putSeries(`brainbytes_function_invocations_total{${pushed},cold_start="false"}`, step, requests);
    putSeries('brainbytes_active_students{job="brainbytes-jobs",window="30d"}', step, 120);

    // The exporter: Platform API polls and Prometheus scrapes, by the real exporter code.
    const restart = EXPORTER_RESTARTS.find((r) => r.step === step);
    if (restart) exporter = await startExporter();
    const poll = async () => {
      const snapshot = exporter.poller.snapshot;
      snapshot.apps.set('brainbytes-api', appState('brainbytes-api', apiDynosAt(step), [postgres], nowMs));
      snapshot.apps.set('brainbytes-monitoring', appState('brainbytes-monitoring', 1, [], nowMs));
      exporter.poller.lastSuccessMs = nowMs;
      await exporter.metrics.onPolled(); // saved well before the next poll, a minute later
    };
    const exported = new Set<string>();
    const scrape = async () => {
      if (EXPORTER_UNREACHABLE.has(step)) return;
      const put = (name: string, value: number) => {
        exported.add(name);
        putSeries(name, step, value);
      };
      for (const name of ['heroku_cost_accrued_dollars_total', 'heroku_monthly_run_rate_dollars']) {
        const metric = exporter.metrics.registry.getSingleMetric(name);
        for (const { labels, value } of (await metric?.get())?.values ?? []) {
          const text = Object.entries({ job: 'heroku-exporter', ...labels })
            .map(([k, v]) => `${k}="${v}"`)
            .join(',');
          put(`${name}{${text}}`, value);
        }
      }
      if (!(restart?.scrapedBeforePoll ?? false)) {
        put(
          'brainbytes_lambda_gb_seconds_month_to_date{job="heroku-exporter",function="brainbytes-prod-api"}',
          cloudWatch.gbSeconds,
        );
        put(
          'brainbytes_lambda_billed_gb_seconds_month_to_date{job="heroku-exporter",function="brainbytes-prod-api"}',
          cloudWatch.billedGbSeconds,
        );
        put(
          'brainbytes_lambda_invocations_month_to_date{job="heroku-exporter",function="brainbytes-prod-api"}',
          cloudWatch.requests,
        );
      }
    };
    if (restart?.scrapedBeforePoll) {
      await scrape();
      await poll();
    } else {
      await poll();
      await scrape();
    }
    // The exporter's series this scrape did not return (or a scrape that failed) go stale.
    for (const [name, values] of series)
      if (
        name.includes('job="heroku-exporter"') &&
        !exported.has(name) &&
        typeof values[step - 1] === 'number'
      )
        values[step] = STALE;
  }
  return { series, truth, lambdaDays };
}

/** The promtool series text for one segment: absent before `from` (Prometheus had lost its disk). */
export function seriesValues(values: Value[], from: number): string {
  return values.map((v, i) => (i < from || v === undefined ? '_' : String(v))).join(' ');
}

/** Ground truth at a step, all providers. */
export const totalTruth = (month: Month, step: number) =>
  (month.truth.ai[step] ?? 0) + (month.truth.heroku[step] ?? 0) + (month.truth.lambda[step] ?? 0);
