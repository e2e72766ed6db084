import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_LAMBDA_PRICING, LAMBDA_PRICES } from '../src/lambda-settings';
import { LAMBDA_PRICE } from '../src/rules/recording';
import { renderToTemp, requireBinary } from './helpers/render';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const promtool = requireBinary('promtool', 'prometheus');

// A month of hourly samples (January 1970 has 744 hours): Lambda burns 1 GB-s and one request
// per second; the AI job reports $12 so far; Heroku has accrued $7. Spend rules every hour.
const { dir } = renderToTemp({
  PROMETHEUS_SPEND_EVALUATION_INTERVAL: '1h',
  BRAINBYTES_MONTHLY_BUDGET_DOLLARS: '50',
});
const lambdaDollarsPerHour = 3600 * (LAMBDA_PRICE.gbSecondDollars + LAMBDA_PRICE.requestDollars);
const PUSHED = 'job="brainbytes-api",environment="production",platform="lambda"';

/** `count(expr > low < high)` is 1 only when the value lies in (low, high). */
const within = (expr: string, value: number, tolerance = 0.01) => ({
  expr: `count(${expr} > ${value * (1 - tolerance)} < ${value * (1 + tolerance)})`,
  eval_time: '',
  exp_samples: [{ labels: '{}', value: 1 }],
});

const at = (evalTime: string, check: ReturnType<typeof within>) => ({ ...check, eval_time: evalTime });

/** Writes a promtool unit test beside the rendered rules and runs it; its output is the failure message. */
async function expectPromtoolPasses(name: string, test: object) {
  const file = join(dir, name);
  writeFileSync(file, stringify(test, { lineWidth: 0 }));
  const result = await run(promtool, ['test', 'rules', file]).catch(
    (e: { stdout: string; stderr: string }) => e,
  );
  expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
}

it('spend rules: month to date per provider restarts with the month; forecast, budget ratio and cost per question', async () => {
  const test = {
    rule_files: [join(dir, 'prometheus/rules/brainbytes-spend.rules.yml')],
    evaluation_interval: '1h',
    tests: [
      {
        interval: '1h',
        input_series: [
          { series: `brainbytes_function_gb_seconds_total{${PUSHED},function="api"}`, values: '0+3600x760' },
          {
            series: `brainbytes_function_invocations_total{${PUSHED},function="api",cold_start="false"}`,
            values: '0+3600x760',
          },
          {
            series: 'brainbytes_ai_spend_month_to_date_dollars{job="brainbytes-jobs",provider="openai"}',
            values: '12x760',
          },
          {
            series: 'heroku_cost_accrued_dollars_total{job="heroku-exporter",app="brainbytes-api"}',
            values: '7x760',
          },
          {
            series: `brainbytes_questions_total{${PUSHED},subject="math",client_type="mobile"}`,
            values: '0+360x760',
          },
          { series: 'brainbytes_active_students{job="brainbytes-jobs",window="30d"}', values: '20x760' },
        ],
        promql_expr_test: [
          // Jan 31, 23:00: 743 whole hours of Lambda spend this month.
          at(
            '743h',
            within(
              'provider:brainbytes_spend_dollars:month_to_date{provider="lambda"}',
              743 * lambdaDollarsPerHour,
            ),
          ),
          at('743h', within('provider:brainbytes_spend_dollars:month_to_date{provider="ai"}', 12)),
          at('743h', within('provider:brainbytes_spend_dollars:month_to_date{provider="heroku"}', 7)),
          at('743h', within('brainbytes:spend_dollars:month_to_date', 19 + 743 * lambdaDollarsPerHour)),
          // One hour left in January: the forecast adds an hour at the day's rate.
          at(
            '743h',
            within(
              'provider:brainbytes_spend_dollars:forecast_month_end{provider="lambda"}',
              744 * lambdaDollarsPerHour,
            ),
          ),
          at('743h', within('brainbytes:spend_budget:ratio', (19 + 743 * lambdaDollarsPerHour) / 50)),
          at('743h', within('brainbytes:budget_dollars:monthly', 50)),
          // Feb 1, 01:00: January is gone; only February's first hour counts.
          at(
            '745h',
            within(
              'provider:brainbytes_spend_dollars:month_to_date{provider="lambda"}',
              lambdaDollarsPerHour,
            ),
          ),
          // $/s over questions/s: 0.1 questions per second.
          at(
            '745h',
            within('brainbytes:cost_per_question_dollars:rate1d', lambdaDollarsPerHour / 3600 / 0.1),
          ),
          at(
            '745h',
            within(
              'brainbytes:cost_per_active_student_dollars:month_to_date',
              (19 + lambdaDollarsPerHour) / 20,
            ),
          ),
        ],
      },
    ],
  };
  await expectPromtoolPasses('spend-test.yml', test);
}, 120_000);

it('Lambda month to date from CloudWatch: the same after a Prometheus restart that kept only the last hours', async () => {
  // At 743h Prometheus holds only the pushed counter's last 3 hours (its disk was wiped); the
  // exporter reports CloudWatch's 40,000 GB-s and 2 million requests since the 1st: the GB-s are
  // inside the free tier (400,000), a million of the requests are not.
  const cloudWatch = (2_000_000 - 1_000_000) * LAMBDA_PRICE.requestDollars;
  const test = {
    rule_files: [join(dir, 'prometheus/rules/brainbytes-spend.rules.yml')],
    evaluation_interval: '1h',
    tests: [
      {
        interval: '1h',
        input_series: [
          {
            series: `brainbytes_function_gb_seconds_total{${PUSHED},function="api"}`,
            values: `${'_ '.repeat(740)}0+3600x20`,
          },
          {
            series:
              'brainbytes_lambda_gb_seconds_month_to_date{job="heroku-exporter",function="brainbytes-prod-api"}',
            values: '40000x760',
          },
          {
            series:
              'brainbytes_lambda_invocations_month_to_date{job="heroku-exporter",function="brainbytes-prod-api"}',
            values: '2000000x760',
          },
        ],
        promql_expr_test: [
          at(
            '743h',
            within('provider:brainbytes_spend_dollars:month_to_date{provider="lambda"}', cloudWatch),
          ),
          at('742h', within('count(provider:brainbytes_spend_dollars:month_to_date{provider="lambda"})', 1)),
        ],
      },
    ],
  };
  await expectPromtoolPasses('spend-cloudwatch-test.yml', test);
}, 120_000);

/** The spend rules as rendered with `env`, and a promtool run of `cases` at `evalTime` over `series`. */
async function lambdaCase(
  name: string,
  env: Record<string, string>,
  series: Record<string, number>,
  cases: Array<[expr: string, value: number]>,
) {
  const rendered = renderToTemp({ PROMETHEUS_SPEND_EVALUATION_INTERVAL: '1h', ...env });
  const exporter = (metric: string, fn: string) => `${metric}{job="heroku-exporter",function="${fn}"}`;
  const test = {
    rule_files: [join(rendered.dir, 'prometheus/rules/brainbytes-spend.rules.yml')],
    evaluation_interval: '1h',
    tests: [
      {
        interval: '1h',
        input_series: Object.entries(series).map(([key, value]) => {
          const [metric, fn] = key.split('@') as [string, string];
          return { series: exporter(metric, fn), values: `${value}x400` };
        }),
        promql_expr_test: cases.map(([expr, value]) => at('360h', within(expr, value, 0.0001))),
      },
    ],
  };
  await expectPromtoolPasses(name, test);
}

const LAMBDA_MTD = 'provider:brainbytes_spend_dollars:month_to_date{provider="lambda"}';
const FN_MTD = (fn: string) => `function:brainbytes_lambda_spend_dollars:month_to_date{function="${fn}"}`;

it('Lambda as AWS bills it since August 2025: 700 GB-s of handlers + 300 GB-s of INIT + 100,000 requests is $0.0333, not $0.0293', async () => {
  // The exporter's REPORT sums: billed GB-s include INIT; Duration's GB-s do not.
  await lambdaCase(
    'spend-lambda-init-test.yml',
    { LAMBDA_FREE_TIER_SHARE: '0' },
    {
      'brainbytes_lambda_gb_seconds_month_to_date@brainbytes-prod-ai': 700,
      'brainbytes_lambda_billed_gb_seconds_month_to_date@brainbytes-prod-ai': 1_000,
      'brainbytes_lambda_invocations_month_to_date@brainbytes-prod-ai': 100_000,
    },
    [
      [LAMBDA_MTD, 0.0333334],
      [FN_MTD('brainbytes-prod-ai'), 0.0333334],
    ],
  );
}, 120_000);

it('Lambda: the free tier comes off the account total (the share this stack counts), never off a function; Duration stands in where no REPORT metrics exist', async () => {
  const series = {
    // api has REPORT metrics; job is still deployed without the filters (its Duration stands in).
    'brainbytes_lambda_gb_seconds_month_to_date@brainbytes-prod-api': 250_000,
    'brainbytes_lambda_billed_gb_seconds_month_to_date@brainbytes-prod-api': 300_000,
    'brainbytes_lambda_invocations_month_to_date@brainbytes-prod-api': 900_000,
    'brainbytes_lambda_gb_seconds_month_to_date@brainbytes-prod-job': 200_000,
    'brainbytes_lambda_invocations_month_to_date@brainbytes-prod-job': 300_000,
  };
  const gb = LAMBDA_PRICE.gbSecondDollars;
  const req = LAMBDA_PRICE.requestDollars;
  const perFunction: Array<[string, number]> = [
    [FN_MTD('brainbytes-prod-api'), 300_000 * gb + 900_000 * req],
    [FN_MTD('brainbytes-prod-job'), 200_000 * gb + 300_000 * req],
  ];
  // All of the free tier: 500,000 − 400,000 GB-s and 1.2 M − 1 M requests are billed.
  await lambdaCase('spend-lambda-free-all-test.yml', {}, series, [
    [LAMBDA_MTD, 100_000 * gb + 200_000 * req],
    ...perFunction,
  ]);
  // Half of it: 500,000 − 200,000 GB-s and 1.2 M − 0.5 M requests.
  await lambdaCase('spend-lambda-free-half-test.yml', { LAMBDA_FREE_TIER_SHARE: '0.5' }, series, [
    [LAMBDA_MTD, 300_000 * gb + 700_000 * req],
    ...perFunction,
  ]);
}, 120_000);

it('Lambda pricing: serverless.yml deploys what LAMBDA_PRICING prices; a region without prices is refused', () => {
  const sls = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
  const region = /region: \$\{opt:region, '([a-z0-9-]+)'\}/.exec(sls)?.[1];
  const architecture = /architecture: (\S+)/.exec(sls)?.[1];
  expect(`${region}/${architecture}`).toBe(DEFAULT_LAMBDA_PRICING);
  expect(LAMBDA_PRICES[DEFAULT_LAMBDA_PRICING]).toEqual(LAMBDA_PRICE);
  expect(() => renderToTemp({ LAMBDA_PRICING: 'eu-west-9/arm64' })).toThrow(
    /LAMBDA_PRICING="eu-west-9\/arm64" has no price/,
  );
  expect(() => renderToTemp({ LAMBDA_FREE_TIER_SHARE: '2' })).toThrow(
    /LAMBDA_FREE_TIER_SHARE="2" must be from 0/,
  );
});

it('a quiet hour does not blind cost per question for a week: no 0/0 in the averages', async () => {
  // Every 5 minutes: 10 questions at $0.001 each for 2 h, then 2 h without a question (a quiet
  // night), then 18 h as before, then 2 h at $0.005 a question (a pricier model).
  const test = {
    rule_files: [join(dir, 'prometheus/rules/brainbytes-spend.rules.yml')],
    evaluation_interval: '1h',
    tests: [
      {
        interval: '5m',
        input_series: [
          {
            series: `brainbytes_questions_total{${PUSHED},subject="math",client_type="mobile"}`,
            values: '0+10x24 240x24 240+10x240',
          },
          {
            series: `brainbytes_ai_cost_dollars_total{${PUSHED},provider="openai",model="gpt-4o-mini"}`,
            values: '0+0.01x24 0.24x24 0.24+0.01x216 2.4+0.05x24',
          },
        ],
        promql_expr_test: [
          at('24h', within('brainbytes:ai_cost_per_question_dollars:rate1h', 0.005)),
          // The quiet hours leave gaps, not NaN: the 7-day average is a number…
          at('24h', {
            expr: 'count(brainbytes:ai_cost_per_question_dollars:avg7d > 0.001 < 0.002)',
            eval_time: '',
            exp_samples: [{ labels: '{}', value: 1 }],
          }),
          // …so AiCostPerQuestionDoubled can see the doubling.
          at('24h', {
            expr: 'count(brainbytes:ai_cost_per_question_dollars:rate1h > 2 * brainbytes:ai_cost_per_question_dollars:avg7d)',
            eval_time: '',
            exp_samples: [{ labels: '{}', value: 1 }],
          }),
        ],
      },
    ],
  };
  await expectPromtoolPasses('spend-quiet-test.yml', test);
}, 120_000);

it('Heroku: an exporter restart after a scale-down lowers the counter, and the forecast does not jump', async () => {
  // January, hourly: $7 accrued, then at 31h the exporter restarts after a scale-down and its
  // month-to-date estimate reads $6.50; the run-rate is $60 a month throughout.
  const test = {
    rule_files: [join(dir, 'prometheus/rules/brainbytes-spend.rules.yml')],
    evaluation_interval: '1h',
    tests: [
      {
        interval: '1h',
        input_series: [
          {
            series: 'heroku_cost_accrued_dollars_total{job="heroku-exporter",app="brainbytes-api"}',
            values: '7x30 6.5x30',
          },
          {
            series:
              'heroku_monthly_run_rate_dollars{job="heroku-exporter",app="brainbytes-api",component="dynos"}',
            values: '60x60',
          },
        ],
        promql_expr_test: [40, 50].map((hour) =>
          at(
            `${hour}h`,
            within(
              'provider:brainbytes_spend_dollars:forecast_month_end{provider="heroku"}',
              6.5 + (60 * (744 - hour)) / 744,
              0.02,
            ),
          ),
        ),
      },
    ],
  };
  await expectPromtoolPasses('spend-heroku-reset-test.yml', test);
}, 120_000);

it('cost per active student: no value (not +Inf) while nobody has been active', async () => {
  const test = {
    rule_files: [join(dir, 'prometheus/rules/brainbytes-spend.rules.yml')],
    evaluation_interval: '1h',
    tests: [
      {
        interval: '1h',
        input_series: [
          {
            series: 'brainbytes_ai_spend_month_to_date_dollars{job="brainbytes-jobs",provider="openai"}',
            values: '3x5',
          },
          { series: 'brainbytes_active_students{job="brainbytes-jobs",window="30d"}', values: '0x2 4x3' },
        ],
        promql_expr_test: [
          {
            expr: 'brainbytes:cost_per_active_student_dollars:month_to_date',
            eval_time: '1h',
            exp_samples: [],
          },
          at('4h', within('brainbytes:cost_per_active_student_dollars:month_to_date', 0.75)),
        ],
      },
    ],
  };
  await expectPromtoolPasses('spend-no-students-test.yml', test);
}, 120_000);
