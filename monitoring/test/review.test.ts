import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RunningProcess, smtpSink, startPrometheus } from '@brainbytes/testkit/services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LAMBDA_PRICE } from '../src/rules/recording';
import { renderToTemp, requireBinary } from './helpers/render';

const run = promisify(execFile);
const promtool = requireBinary('promtool', 'prometheus');
const ROOT = join(import.meta.dirname, '..', '..');

// Two weeks of known data in 5-minute steps, ending on the hour an hour or two ago: the week under
// review, and the week before it. The review is asked for 25 minutes later and must end on the hour.
const STEP = 300;
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
const WEEK = (7 * 86400) / STEP;
const START = END - 2 * WEEK * STEP;
// This week the students ask three times as often in one hour of the day, 12 hours from the end's.
const BUSY_UTC_HOUR = (new Date(END * 1000).getUTCHours() + 12) % 24;
const BUSY_MANILA_HOUR = `${String((BUSY_UTC_HOUR + 8) % 24).padStart(2, '0')}:00`;
/** Step i covers the 5 minutes before it: in the busy hour this week, 30 questions, else 10 (5 the week before). */
const questionsIn = (i: number) =>
  i <= WEEK ? 5 : new Date((START + i * STEP - 1) * 1000).getUTCHours() === BUSY_UTC_HOUR ? 30 : 10;
/** A counter adding `perStep(i)` at each step. */
const cumulative = (perStep: (i: number) => number) => {
  const totals = [0];
  for (let i = 1; i <= 2 * WEEK; i++) totals.push((totals[i - 1] as number) + perStep(i));
  return (i: number) => totals[i];
};

let prometheus: RunningProcess;

/** This month at `gbSeconds` and `requests`, at the default (ap-southeast-1 arm64) prices. */
const lambda = (gbSeconds: number, requests: number) =>
  `$${(gbSeconds * LAMBDA_PRICE.gbSecondDollars + requests * LAMBDA_PRICE.requestDollars).toFixed(2)}`;
let smtp: Awaited<ReturnType<typeof smtpSink>>;

/** A counter growing by `before` per step in the first week and `after` in the second. */
const counter = (before: number, after: number) => (i: number) =>
  i <= WEEK ? i * before : WEEK * before + (i - WEEK) * after;

beforeAll(async () => {
  const api =
    'job="brainbytes-api",environment="production",route="/api/sessions/:id/questions",method="POST",client_type="mobile"';
  const series: Array<[string, (i: number) => number | undefined]> = [
    [`brainbytes_http_requests_total{${api},status_code="200"}`, counter(100, 100)],
    [`brainbytes_http_requests_total{${api},status_code="500"}`, counter(0.1, 0.25)],
    // p95: 0.75 s the week before (90 % within 0.5 s, all within 1 s), 0.375 s this week.
    ...(['0.25', '0.5', '1', '2.5', '+Inf'] as const).map((le): [string, (i: number) => number] => [
      `brainbytes_http_request_duration_seconds_bucket{${api},le="${le}"}`,
      counter(
        { '0.25': 0, '0.5': 90.1, '1': 100.1, '2.5': 100.1, '+Inf': 100.1 }[le],
        { '0.25': 90.225, '0.5': 100.25, '1': 100.25, '2.5': 100.25, '+Inf': 100.25 }[le],
      ),
    ]),
    // LCP on 3G this week: half within 2.5 s, all within 4 s (p95 3.85 s).
    ...(['1', '2.5', '4', '+Inf'] as const).map((le): [string, (i: number) => number] => [
      `brainbytes_web_vitals_seconds_bucket{job="brainbytes-api",metric="LCP",page="/ask",client_type="mobile",connection="3g",le="${le}"}`,
      counter(0, { '1': 0, '2.5': 1, '4': 2, '+Inf': 2 }[le]),
    ]),
    [
      'brainbytes_questions_total{job="brainbytes-api",subject="math",client_type="mobile"}',
      cumulative(questionsIn),
    ],
    // $0.001 a question the week before, $0.002 this week.
    [
      'brainbytes_ai_cost_dollars_total{job="brainbytes-api",provider="openai",model="gpt-4o-mini"}',
      cumulative((i) => questionsIn(i) * (i <= WEEK ? 0.001 : 0.002)),
    ],
    ['brainbytes_active_students{job="brainbytes-jobs",window="7d"}', (i) => (i <= WEEK ? 100 : 120)],
    ['manila_hour:brainbytes_questions:rate5m{environment="production",manila_hour="19"}', () => 10 / 300],
    // ApiHighLatency fired once the week before and twice this week (30 minutes each); TargetDown once.
    [
      'ALERTS{alertname="ApiHighLatency",alertstate="firing",severity="warning",team="engineering"}',
      (i) => ([WEEK - 500, WEEK + 100, WEEK + 900].some((s) => i >= s && i < s + 6) ? 1 : undefined),
    ],
    [
      'ALERTS{alertname="TargetDown",alertstate="firing",severity="critical",team="infrastructure"}',
      (i) => (i >= WEEK + 300 && i < WEEK + 303 ? 1 : undefined),
    ],
    ['provider:brainbytes_spend_dollars:month_to_date{provider="ai"}', () => 40],
    ['provider:brainbytes_spend_dollars:month_to_date{provider="heroku"}', () => 30],
    ['provider:brainbytes_spend_dollars:month_to_date{provider="lambda"}', () => 2],
    ['brainbytes:spend_dollars:month_to_date', () => 72],
    ['brainbytes:budget_dollars:monthly', () => 150],
    // Lambda: the tutor used at most 30 % of its 512 MB this week (40 % once the week before: not
    // this period); the API 95 % of its 512 MB. Billed GB-s and requests this month so far.
    ['brainbytes_lambda_memory_megabytes{job="heroku-exporter",function="brainbytes-prod-ai"}', () => 512],
    ['brainbytes_lambda_memory_megabytes{job="heroku-exporter",function="brainbytes-prod-api"}', () => 512],
    [
      'brainbytes_lambda_max_memory_used_ratio{job="heroku-exporter",function="brainbytes-prod-ai"}',
      (i) => (i === WEEK - 10 ? 0.4 : i > WEEK ? 0.3 - (i % 2) * 0.05 : 0.2),
    ],
    [
      'brainbytes_lambda_max_memory_used_ratio{job="heroku-exporter",function="brainbytes-prod-api"}',
      (i) => (i > WEEK && i % 50 === 0 ? 0.95 : 0.6),
    ],
    [
      'function:brainbytes_lambda_billed_gb_seconds:month_to_date{function="brainbytes-prod-ai"}',
      () => 300_000,
    ],
    [
      'function:brainbytes_lambda_billed_gb_seconds:month_to_date{function="brainbytes-prod-api"}',
      () => 90_000,
    ],
    [
      'brainbytes_lambda_invocations_month_to_date{job="heroku-exporter",function="brainbytes-prod-ai"}',
      () => 200_000,
    ],
    [
      'brainbytes_lambda_invocations_month_to_date{job="heroku-exporter",function="brainbytes-prod-api"}',
      () => 1_000_000,
    ],
  ];
  const lines: string[] = [];
  for (const [name, value] of series)
    for (let i = 0; i <= 2 * WEEK; i++) {
      const v = value(i);
      if (v !== undefined) lines.push(`${name} ${v} ${START + i * STEP}`);
    }
  const tsdb = mkdtempSync(join(tmpdir(), 'bb-review-'));
  writeFileSync(join(tsdb, 'weeks.om'), `${lines.join('\n')}\n# EOF\n`);
  await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', join(tsdb, 'weeks.om'), tsdb], {
    maxBuffer: 64 * 1024 * 1024,
  });
  // The alert rules loaded, so the review knows which never fired.
  const { dir } = renderToTemp();
  writeFileSync(join(tsdb, 'prometheus.yml'), `rule_files: ["${dir}/prometheus/rules/*.alerts.yml"]\n`);
  prometheus = await startPrometheus(join(tsdb, 'prometheus.yml'), undefined, tsdb);
  smtp = await smtpSink();
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await smtp?.close();
});

it('npm run review -- --period week: the numbers of a known fortnight, in Markdown and by email', async () => {
  const { stdout, stderr } = await run(
    'npx',
    [
      'tsx',
      'monitoring/src/cli/review.ts',
      '--period',
      'week',
      '--prometheus',
      prometheus.url,
      '--at',
      new Date((END + 1500) * 1000).toISOString(),
      '--email',
      '--to',
      'lead@brainbytes.ph',
    ],
    { cwd: ROOT, env: { ...process.env, SMTP_SMARTHOST: `127.0.0.1:${smtp.port}` } },
  );
  console.log(stdout); // the report, for a person to read
  expect(stderr).toContain('reading the week from Prometheus');
  for (const line of [
    '| ApiHighLatency | engineering | 2 | 1 |',
    '| TargetDown | infrastructure | 1 | 0 |',
    '- Noisiest: ApiHighLatency (2), TargetDown (1).',
    // 0.25 errors in 100.25 requests: 99.75 % available, half the 0.5 % budget; the week before 0.1 in 100.1.
    '- API availability 99.75 % against the 99.5 % objective: 50 % of the error budget used (the period before: 20 %).',
    '| /api/sessions/:id/questions | 0.38 s | 0.75 s |',
    '| 3g | 3.85 s | — |',
    '- Active students (7 days, at most): 120 (the period before: 100).',
    // 10 a step, 30 in the busy hour: 20,160 + 7 × 12 × 20.
    '- Questions asked: 21,840 (the period before: 10,080).',
    // Each hour of the day, 7 times 12 steps: 840, or 2,520 in the busy hour.
    `| ${BUSY_MANILA_HOUR} | 2,520 |`,
    '- This month so far: $72.00 of the $150.00 budget (48 %).',
    '- AI cost per question: $0.0020 (the period before: $0.0010).',
    '| ai | $40.00 |',
    '- error budget used: 20 % → 50 % (+150 %)',
    '- AI cost per question: $0.0010 → $0.0020 (+100 %)',
    // Right-sizing: memory × billed time, at 256 and 1024 MB with the same time.
    `- brainbytes-prod-ai: points smaller: at 256 MB it would have used 60 %, and this month would cost ${lambda(150_000, 200_000)} instead of ${lambda(300_000, 200_000)} if its time stays`,
    `- brainbytes-prod-api: points larger: it used 95 % of 512 MB; at 1024 MB this month would cost at most ${lambda(180_000, 1_000_000)}.`,
    `| brainbytes-prod-ai | 512 MB | 30 % (headroom 70 %) | ${lambda(300_000, 200_000)} | ${lambda(150_000, 200_000)} at 256 MB | ${lambda(600_000, 200_000)} at 1024 MB |`,
  ])
    expect(stdout).toContain(line);
  expect(stdout.match(/^\| \d\d:00 \| 840 \|$/gm)).toHaveLength(23);
  expect(stdout).toMatch(/- Never fired: \d+ of \d+ rules \(.*ApiErrorBudgetBurn.*\)\./);
  expect(stdout).not.toMatch(/Never fired: .*ApiHighLatency/);
  const [mail] = smtp.mails;
  expect(mail?.to).toEqual(['lead@brainbytes.ph']);
  expect(mail?.parsed.subject).toMatch(/^BrainBytes weekly review, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d$/);
  expect(mail?.parsed.html).toContain('<td>ApiHighLatency</td><td>engineering</td><td>2</td><td>1</td>');
}, 120_000);

it('says what is wrong with the period, and where Prometheus should be', async () => {
  await expect(
    run('npx', ['tsx', 'monitoring/src/cli/review.ts', '--period', 'fortnight'], { cwd: ROOT }),
  ).rejects.toMatchObject({ stderr: expect.stringContaining('--period must be week, month or quarter') });
  await expect(
    run('npx', ['tsx', 'monitoring/src/cli/review.ts', '--prometheus', 'http://127.0.0.1:9'], { cwd: ROOT }),
  ).rejects.toMatchObject({
    stderr: expect.stringContaining('cannot reach Prometheus at http://127.0.0.1:9'),
  });
}, 60_000);
