import type { MonitoringConfig } from '../config';
import {
  DEFAULT_LAMBDA_PRICING,
  LAMBDA_FREE_TIER,
  LAMBDA_PRICES,
  type LambdaPrice,
} from '../lambda-settings';
import type { RecordingRule } from './types';

/**
 * The spend rules: month-to-date AI, Lambda and Heroku dollars (live, carried, missing), the
 * forecast and the pace, evaluated every SPEND_EVALUATION_INTERVAL (their subqueries span the month).
 */

/** The default LAMBDA_PRICING's prices (arm64 in ap-southeast-1), as serverless.yml deploys. */
export const LAMBDA_PRICE = LAMBDA_PRICES[DEFAULT_LAMBDA_PRICING] as LambdaPrice;

const SPEND_RATE = 'provider:brainbytes_spend_dollars:rate1h';
/** Seconds from now to the end of the UTC month (cloud bills close on UTC month ends). */
export const SECONDS_LEFT_IN_MONTH =
  'scalar((days_in_month() - day_of_month()) * 86400 + 86400 - time() % 86400)';

const MONTH_START = 'brainbytes:month_start:timestamp_seconds';

/**
 * Month-to-date spend from a dollars-per-second series: the sum of its hourly samples (each the
 * rate over the hour ending there) for the hours that belong to this month. Inside the subquery
 * `time()` is the step's time, and `@ end()` reads the month's start as of the evaluation, so
 * one range serves every month; the hour under way is added at the current rate. Exact to the
 * last whole hour while Prometheus holds the whole month (retention ≥ 31 d, or the hosted
 * ruler); with less it counts only what is retained.
 */
function integralThisMonth(rateSelector: string): string {
  const rate = `sum by (provider) (${rateSelector})`;
  return `(
  sum by (provider) (sum_over_time((
    ${rateSelector}
    and on () (vector(time() - 3600) >= on () ${MONTH_START} @ end())
  )[31d:1h])) * 3600
  or ${rate} * 0
)
+ on (provider) ${rate} * (time() % 3600)`;
}

/** Seconds in a Prometheus duration such as 1m or 15s. */
function seconds(duration: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  const match = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(duration);
  return match ? Number(match[1]) * (units[match[2] as string] ?? 1) : 60;
}

const LIVE = 'provider:brainbytes_spend_dollars:month_to_date_live';
const KNOWN = 'provider:brainbytes_spend_dollars:month_to_date_known';
const MONTH_TO_DATE = 'provider:brainbytes_spend_dollars:month_to_date';
/** Seconds since this month began, at least one day: an early-month pace is not a month's. */
const PACE_SECONDS = `scalar(clamp_min(vector(time()) - ${MONTH_START}, 86400))`;

const BILLED_GBS = 'brainbytes:lambda_billed_gb_seconds:month_to_date';
const REQUESTS = 'brainbytes:lambda_requests:month_to_date';
/** How many times this month's usage so far the whole month will be, at this month's pace. */
const MONTH_OVER_SO_FAR = `(1 + ${SECONDS_LEFT_IN_MONTH} / ${PACE_SECONDS})`;

/**
 * Lambda as AWS bills it, per function and in total: billed GB-seconds (INIT included, from each
 * REPORT; the handlers' Duration where no REPORT metrics exist yet) and requests since the 1st,
 * from CloudWatch; the account's free tier (the share this stack may count) off the total.
 */
function lambdaRules(config: MonitoringConfig): RecordingRule[] {
  const { price, freeTierShare } = config.lambda;
  const free = {
    gbSeconds: LAMBDA_FREE_TIER.gbSeconds * freeTierShare,
    requests: LAMBDA_FREE_TIER.requests * freeTierShare,
  };
  const billed = (gbSeconds: string, requests: string) =>
    `clamp_min(${gbSeconds} - ${free.gbSeconds}, 0) * ${price.gbSecondDollars}
  + clamp_min(${requests} - ${free.requests}, 0) * ${price.requestDollars}`;
  return [
    {
      record: 'function:brainbytes_lambda_billed_gb_seconds:month_to_date',
      expr: `max by (function) (brainbytes_lambda_billed_gb_seconds_month_to_date)
or max by (function) (brainbytes_lambda_gb_seconds_month_to_date)`,
    },
    {
      // Per function, gross (before the free tier, which is the account's): the monthly statement reads it.
      record: 'function:brainbytes_lambda_spend_dollars:month_to_date',
      expr: `function:brainbytes_lambda_billed_gb_seconds:month_to_date * ${price.gbSecondDollars}
+ max by (function) (brainbytes_lambda_invocations_month_to_date) * ${price.requestDollars}`,
    },
    { record: BILLED_GBS, expr: 'sum(function:brainbytes_lambda_billed_gb_seconds:month_to_date)' },
    { record: REQUESTS, expr: 'sum(max by (function) (brainbytes_lambda_invocations_month_to_date))' },
    {
      // The month at this pace, the free tier off the month's usage (not off the bill so far).
      record: 'brainbytes:lambda_spend_dollars:forecast_month_end',
      expr: billed(`${BILLED_GBS} * ${MONTH_OVER_SO_FAR}`, `${REQUESTS} * ${MONTH_OVER_SO_FAR}`),
    },
    { record: 'brainbytes:lambda_spend_dollars:month_to_date_live', expr: billed(BILLED_GBS, REQUESTS) },
  ];
}

export function spendRules(config: MonitoringConfig): RecordingRule[] {
  const { price } = config.lambda;
  const provider = (name: string, expr: string) => `label_replace(${expr}, "provider", "${name}", "", "")`;
  // How far back a carried month-to-date reaches for its own last value: a few evaluations.
  const carry = Math.max(600, 3 * seconds(config.spendEvaluationInterval));
  return [
    {
      record: MONTH_START,
      expr: 'vector(time() - time() % 86400) - (day_of_month() - 1) * 86400',
    },
    ...lambdaRules(config),
    {
      // Dollars per second, by provider; the account's spend, every environment together.
      record: SPEND_RATE,
      expr: [
        provider('ai', 'sum(rate(brainbytes_ai_cost_dollars_total[1h]))'),
        provider(
          'lambda',
          `(sum(rate(brainbytes_function_billed_gb_seconds_total[1h])) or sum(rate(brainbytes_function_gb_seconds_total[1h]))) * ${price.gbSecondDollars}
  + (sum(rate(brainbytes_function_invocations_total{platform="lambda"}[1h])) * ${price.requestDollars} or vector(0))`,
        ),
        // Heroku's rate is its run-rate (the formation and add-ons now), not the accrual counter's
        // slope: an exporter restart after a scale-down steps that counter down, and rate() would
        // read a reset and a jump. The counter's slope only where no run-rate is exported.
        provider(
          'heroku',
          `(sum(heroku_monthly_run_rate_dollars) / (days_in_month() * 86400))
  or sum(rate(heroku_cost_accrued_dollars_total[1h]))`,
        ),
      ].join('\nor\n'),
    },
    {
      record: 'provider:brainbytes_spend_dollars:rate1d',
      expr: `avg_over_time(${SPEND_RATE}[1d])`,
    },
    {
      // The sources that know the calendar: the AI answers stored this month (the scheduled job,
      // from the database), Heroku's monthly accrual (the exporter, kept across its restarts),
      // CloudWatch's sums since the 1st (the exporter's LAMBDA_FUNCTIONS). None depends on
      // Prometheus's history, so a restart with a wiped disk or a short retention changes nothing.
      record: LIVE,
      expr: [
        provider('ai', 'sum(brainbytes_ai_spend_month_to_date_dollars)'),
        provider('heroku', 'sum(heroku_cost_accrued_dollars_total)'),
        provider('lambda', 'brainbytes:lambda_spend_dollars:month_to_date_live'),
      ].join('\nor\n'),
    },
    {
      // A source that stops reporting (a failed scrape, an expired push) keeps its last value
      // this month, read back from this rule's own last evaluation — never a lower total. Not in
      // a month's first minutes, so last month's total is never carried into a new one.
      record: KNOWN,
      expr: `${LIVE}
or on (provider) (
  last_over_time(${KNOWN}[${carry}s])
  and on () (vector(time()) - ${MONTH_START} > ${carry})
)`,
    },
    {
      // 1 for each provider whose month-to-date is its last known value (SpendSourceMissing), 0 while it reports.
      record: 'provider:brainbytes_spend_source:missing',
      expr: `(${KNOWN} unless on (provider) ${LIVE}) * 0 + 1
or on (provider)
${LIVE} * 0`,
    },
    {
      // Without CloudWatch (a stack on one machine), Lambda's pushed counter is integrated over
      // what Prometheus still holds: gross, the free tier not taken off (an upper bound).
      record: MONTH_TO_DATE,
      expr: `${KNOWN}
or on (provider)
${integralThisMonth(`${SPEND_RATE}{provider="lambda"}`)}`,
    },
    {
      // Without history: Heroku's accrual plus its run-rate for the rest of the month; Lambda's
      // usage at this month's pace less the free tier; the others at this month's pace so far (at least a day's worth, so the first hours do not swing it).
      record: 'provider:brainbytes_spend_dollars:forecast_month_end',
      expr: `(
  ${MONTH_TO_DATE}{provider="heroku"}
  + on (provider)
  ${provider('heroku', 'sum(heroku_monthly_run_rate_dollars) / (days_in_month() * 86400)')} * ${SECONDS_LEFT_IN_MONTH}
)
or on (provider)
${provider('lambda', 'brainbytes:lambda_spend_dollars:forecast_month_end')}
or on (provider)
${MONTH_TO_DATE} * ${MONTH_OVER_SO_FAR}`,
    },
    {
      record: 'brainbytes:spend_dollars:month_to_date',
      expr: `sum(${MONTH_TO_DATE})`,
    },
    {
      record: 'brainbytes:spend_dollars:forecast_month_end',
      expr: 'sum(provider:brainbytes_spend_dollars:forecast_month_end)',
    },
    {
      // BRAINBYTES_MONTHLY_BUDGET_DOLLARS, rendered in: the budget as a series beside the spend.
      record: 'brainbytes:budget_dollars:monthly',
      expr: `vector(${config.monthlyBudgetDollars})`,
    },
    {
      record: 'brainbytes:spend_budget:ratio',
      expr: 'brainbytes:spend_dollars:month_to_date / brainbytes:budget_dollars:monthly',
    },
    {
      // No questions, no value (a gap), never 0/0 = NaN: a NaN would stay in every average over it.
      record: 'brainbytes:cost_per_question_dollars:rate1d',
      expr: 'sum(provider:brainbytes_spend_dollars:rate1d) / (sum(rate(brainbytes_questions_total{client_type!="synthetic"}[1d])) > 0)',
    },
    {
      // The job's figure from the database (the last hour with questions, so a quiet night keeps
      // it); from Prometheus's counters where no job reports. A quiet hour there leaves a gap.
      record: 'brainbytes:ai_cost_per_question_dollars:rate1h',
      expr: `max(brainbytes_ai_cost_per_question_dollars{window="1h"})
or sum(rate(brainbytes_ai_cost_dollars_total[1h])) / (sum(rate(brainbytes_questions_total{client_type!="synthetic"}[1h])) > 0)`,
    },
    {
      record: 'brainbytes:ai_cost_per_question_dollars:avg7d',
      expr: `max(brainbytes_ai_cost_per_question_dollars{window="7d"})
or avg_over_time(brainbytes:ai_cost_per_question_dollars:rate1h[7d])`,
    },
    {
      // Nobody active yet this month: no value, never +Inf.
      record: 'brainbytes:cost_per_active_student_dollars:month_to_date',
      expr: 'brainbytes:spend_dollars:month_to_date / (sum(brainbytes_active_students{window="30d"}) > 0)',
    },
  ];
}
