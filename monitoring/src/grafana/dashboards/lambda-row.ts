import { MEMORY_NEAR_LIMIT_RATIO } from '../../rules/alerts-lambda';
import { ENV, type RowSpec } from '../panel';

const RATE = '[$__rate_interval]';
/** The runtime's pushed series, this environment's Lambda only. */
const PUSHED = `${ENV},platform="lambda"`;

/**
 * Lambda as AWS bills it and runs it: INIT and how often it happens, memory against the
 * configured size, billed against handler time, and this month's spend per function with INIT's
 * share. CloudWatch's view (the exporter) beside the functions' own pushes, which also cover a
 * stack without CloudWatch (serverless-offline).
 */
export const lambdaRow: RowSpec = {
  title: 'Lambda',
  panels: [
    {
      title: 'Cold starts: INIT duration',
      type: 'timeseries',
      unit: 's',
      description:
        'CloudWatch: INIT by statistic over the last period, from each REPORT. Pushed: the p95 of the runtime’s own INIT histogram (the process’s start to the first handler). AWS bills INIT since August 2025.',
      queries: [
        {
          expr: 'max by (function, stat) (brainbytes_lambda_init_duration_seconds)',
          legend: '{{function}} {{stat}}',
        },
        {
          expr: `histogram_quantile(0.95, sum by (function, le) (rate(brainbytes_function_init_duration_seconds_bucket{${PUSHED}}${RATE})))`,
          legend: '{{function}} p95 (pushed)',
        },
      ],
      width: 8,
    },
    {
      title: 'Cold-start share of invocations',
      type: 'timeseries',
      unit: 'percentunit',
      queries: [
        {
          expr: `sum by (function) (rate(brainbytes_function_invocations_total{${PUSHED},cold_start="true"}${RATE})) / sum by (function) (rate(brainbytes_function_invocations_total{${PUSHED}}${RATE}))`,
          legend: '{{function}}',
        },
      ],
      min: 0,
      width: 8,
    },
    {
      title: 'Memory used vs configured',
      type: 'timeseries',
      unit: 'percentunit',
      description: `The most memory one invocation used over the function’s memorySize. LambdaMemoryNearLimit at ${MEMORY_NEAR_LIMIT_RATIO * 100} %; Lambda kills the invocation at 100 %.`,
      queries: [
        { expr: 'max by (function) (brainbytes_lambda_max_memory_used_ratio)', legend: '{{function}}' },
        {
          expr: `histogram_quantile(0.99, sum by (function, le) (rate(brainbytes_function_memory_used_ratio_bucket{${PUSHED}}${RATE})))`,
          legend: '{{function}} p99 (pushed)',
        },
      ],
      min: 0,
      max: 1,
      thresholds: [[MEMORY_NEAR_LIMIT_RATIO, 'red']],
      width: 8,
    },
    {
      title: 'Billed vs handler time (GB-s per second)',
      type: 'timeseries',
      unit: 'short',
      description:
        'Billed: INIT plus the handler, rounded up to the millisecond, × memory (what AWS charges). Handler: the handlers’ own time. The gap is cold starts and rounding.',
      queries: [
        {
          expr: `sum by (function) (rate(brainbytes_function_billed_gb_seconds_total{${PUSHED}}${RATE}))`,
          legend: '{{function}} billed',
        },
        {
          expr: `sum by (function) (rate(brainbytes_function_gb_seconds_total{${PUSHED}}${RATE}))`,
          legend: '{{function}} handler',
        },
      ],
      width: 8,
    },
    {
      title: 'Lambda spend this month by function (gross)',
      type: 'bargauge',
      unit: 'currencyUSD',
      description:
        'Before the free tier, which is the account’s: the Lambda total on the budget takes it off.',
      queries: [{ expr: 'function:brainbytes_lambda_spend_dollars:month_to_date', legend: '{{function}}' }],
      width: 8,
    },
    {
      title: 'INIT’s share of billed GB-s this month',
      type: 'bargauge',
      unit: 'percentunit',
      description:
        'Billed GB-s that were not handler time: cold starts (and the millisecond rounding), from CloudWatch.',
      queries: [
        {
          expr: '1 - max by (function) (brainbytes_lambda_gb_seconds_month_to_date) / max by (function) (brainbytes_lambda_billed_gb_seconds_month_to_date)',
          legend: '{{function}}',
        },
      ],
      min: 0,
      max: 1,
      width: 8,
    },
  ],
};
