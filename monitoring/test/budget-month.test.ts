import { join } from 'node:path';
import { MemoryStateStore } from '@brainbytes/heroku-exporter/cost/state-store';
import { createPlatformMetrics } from '@brainbytes/heroku-exporter/platform/metrics';
import { PlatformCache } from '@brainbytes/heroku-exporter/platform/poller';
import { afterAll, expect, it, vi } from 'vitest';
import {
  DAYS,
  LAMBDA_FREE_TIER_SHARE,
  type Month,
  PRICIER_MODEL_FROM,
  SOURCE_MISSING_DAY,
  STEP_SECONDS,
  STEPS,
  type StartExporter,
  seriesValues,
  simulateMonth,
  totalTruth,
  WIPES,
} from './helpers/month';
import { type Probe, probeRules, type Sample } from './helpers/promtool-probe';
import { renderToTemp, requireBinary } from './helpers/render';

const promtool = requireBinary('promtool', 'prometheus');
const STEPS_PER_DAY = 86400 / STEP_SECONDS;

/**
 * A new exporter process, as `createExporter` builds its metrics (its state in Redis, kept across
 * processes), with a poller the month fills.
 */
const redis = new MemoryStateStore();
const startExporter: StartExporter = async () => {
  const poller = new PlatformCache();
  const metrics = createPlatformMetrics(
    poller,
    { pollIntervalMs: STEP_SECONDS * 1000, ecoPlanMonthlyDollars: 5 },
    redis,
  );
  await metrics.restoreState();
  return { metrics, poller };
};

afterAll(() => {
  vi.useRealTimers();
});

interface Segment {
  /** First step with data (Prometheus came back one step after losing its disk). */
  from: number;
  /** Last step evaluated. */
  to: number;
}

const ALERT_STARTS = (from: number, to: number) =>
  `count by (alertname, provider) (count_over_time((ALERTS{alertstate="firing"} unless ALERTS{alertstate="firing"} offset ${STEP_SECONDS}s)[${(to - from) * STEP_SECONDS + 1}s:${STEP_SECONDS}s]))`;
const FIRING = 'count by (alertname, provider) (ALERTS{alertstate="firing"})';
/**
 * Prometheus evaluates the spend rules, then the budget alerts, a moment apart (group_eval_order
 * below): an alert still firing when Prometheus comes back fires at its first evaluation.
 */
const FIRST_EVALUATIONS = 1;

it('a month of spend: month to date within 1 % of the bill every day, the forecast never over 2×, exactly the expected alerts', async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  const month: Month = await simulateMonth(startExporter, (ms) => vi.setSystemTime(ms));
  vi.useRealTimers();

  // The budget is twice what was billed by day 24 at 06:00 UTC: half of it is spent then.
  const halfSpentAt = 23 * STEPS_PER_DAY + 6 * 12;
  const budget = Math.round(2 * totalTruth(month, halfSpentAt) * 100) / 100;
  const { dir } = renderToTemp({
    PROMETHEUS_SPEND_EVALUATION_INTERVAL: `${STEP_SECONDS / 60}m`,
    BRAINBYTES_MONTHLY_BUDGET_DOLLARS: String(budget),
    LAMBDA_FREE_TIER_SHARE: String(LAMBDA_FREE_TIER_SHARE),
  });
  // The month is cold-start heavy on some days, and crosses the free tier mid-month.
  const initShare = month.lambdaDays.map((d) => d.initGbSeconds / d.billedGbSeconds);
  expect(Math.max(...initShare)).toBeGreaterThanOrEqual(0.2);
  const lambdaFrom = month.truth.lambda.findIndex((v) => v > 0);
  expect(lambdaFrom / STEPS_PER_DAY).toBeGreaterThan(5);
  expect(lambdaFrom / STEPS_PER_DAY).toBeLessThan(25);
  const ruleFiles = ['brainbytes-spend.rules.yml', 'brainbytes-budget.alerts.yml'].map((f) =>
    join(dir, 'prometheus/rules', f),
  );

  const bounds = [0, ...WIPES.map((w) => w + 1), STEPS + 1];
  const segments: Segment[] = bounds.slice(0, -1).map((from, i) => ({
    from,
    to: (i < WIPES.length ? (WIPES[i] as number) : STEPS + 1) - 1,
  }));
  const checkpoint = (day: number) => day * STEPS_PER_DAY - 1;
  const segmentOf = (step: number) => segments.findIndex((s) => step >= s.from && step <= s.to);

  const probes = segments.map(() => [] as Probe[]);
  const daily = (day: number) => {
    const t = checkpoint(day) * STEP_SECONDS;
    return {
      providers: { expr: 'provider:brainbytes_spend_dollars:month_to_date', time: t },
      total: { expr: 'brainbytes:spend_dollars:month_to_date', time: t },
      forecast: { expr: 'brainbytes:spend_dollars:forecast_month_end', time: t },
    };
  };
  for (let day = 1; day <= DAYS; day++)
    probes[segmentOf(checkpoint(day))]?.push(...Object.values(daily(day)));
  // Alert starts per day and segment (a wipe splits a day), and what fires at each segment's edges.
  const starts: Array<{ day: number; segment: number; probe: Probe }> = [];
  segments.forEach((s, i) => {
    for (let day = 1; day <= DAYS; day++) {
      const first = Math.max((day - 1) * STEPS_PER_DAY, s.from);
      const last = Math.min(checkpoint(day), s.to);
      if (first > last) continue;
      const probe = { expr: ALERT_STARTS(first, last), time: last * STEP_SECONDS };
      probes[i]?.push(probe);
      starts.push({ day, segment: i, probe });
    }
    probes[i]?.push(
      { expr: FIRING, time: (s.from + FIRST_EVALUATIONS - 1) * STEP_SECONDS },
      { expr: FIRING, time: s.to * STEP_SECONDS },
    );
  });

  const read = await probeRules(
    promtool,
    join(dir, 'month-test.yml'),
    ruleFiles,
    STEP_SECONDS,
    ['brainbytes-spend.rules', 'brainbytes-budget.alerts'],
    segments.map((s, i) => ({
      series: [...month.series].map(([series, values]) => ({ series, values: seriesValues(values, s.from) })),
      probes: probes[i] ?? [],
    })),
  );
  const value = (samples: Sample[]) =>
    samples.length ? samples.reduce((n, s) => n + s.value, 0) : undefined;

  // The daily table: truth, what the rules report, the forecast.
  const monthEnd = totalTruth(month, STEPS);
  const rows = [];
  const problems: string[] = [];
  for (let day = 1; day <= DAYS; day++) {
    const p = daily(day);
    const step = checkpoint(day);
    const truth = totalTruth(month, step);
    const reported = value(read(p.total));
    const forecast = value(read(p.forecast));
    const byProvider = Object.fromEntries(read(p.providers).map((s) => [s.labels.provider, s.value]));
    rows.push(
      `| ${day} | ${truth.toFixed(2)} | ${reported?.toFixed(2) ?? 'absent'} | ${forecast?.toFixed(2) ?? 'absent'} | ${(['ai', 'heroku', 'lambda'] as const).map((k) => `${month.truth[k][step]?.toFixed(2)}/${byProvider[k]?.toFixed(2) ?? '–'}`).join(' ')} |`,
    );
    if (reported === undefined || Math.abs(reported - truth) > 0.01 * truth)
      problems.push(
        `day ${day}: month to date ${reported?.toFixed(2) ?? 'absent'}, billed ${truth.toFixed(2)}`,
      );
    for (const k of ['ai', 'heroku', 'lambda'] as const) {
      const billed = month.truth[k][step] ?? 0;
      const got = byProvider[k];
      if (got === undefined || Math.abs(got - billed) > 0.01 * billed + 1e-9)
        problems.push(
          `day ${day}: ${k} month to date ${got?.toFixed(4) ?? 'absent'}, billed ${billed.toFixed(4)}`,
        );
    }
    if (day > 3 && (forecast === undefined || forecast > 2 * monthEnd))
      problems.push(
        `day ${day}: forecast ${forecast?.toFixed(2) ?? 'absent'}, the month ends at ${monthEnd.toFixed(2)}`,
      );
  }

  // Alerts: each start, less a segment that opens with an alert the one before it closed with
  // (Prometheus restarted; Alertmanager saw it continue).
  const name = (labels: Record<string, string>) =>
    labels.provider ? `${labels.alertname} (${labels.provider})` : (labels.alertname as string);
  const fired: Array<{ alert: string; day: number }> = [];
  for (const { day, probe } of starts)
    for (const s of read(probe)) for (let n = 0; n < s.value; n++) fired.push({ alert: name(s.labels), day });
  segments.forEach((s, i) => {
    if (i === 0) return;
    const before = new Set(
      read({ expr: FIRING, time: (segments[i - 1] as Segment).to * STEP_SECONDS }).map((x) => name(x.labels)),
    );
    for (const x of read({ expr: FIRING, time: (s.from + FIRST_EVALUATIONS - 1) * STEP_SECONDS })) {
      if (!before.has(name(x.labels))) continue;
      const day = Math.floor(s.from / STEPS_PER_DAY) + 1;
      const index = fired.findIndex((f) => f.alert === name(x.labels) && f.day === day);
      if (index >= 0) fired.splice(index, 1);
    }
  });
  // Each threshold on the day the bill crosses it, from the truth.
  const crossed = (fraction: number) => {
    for (let step = 0; step <= STEPS; step++)
      if (totalTruth(month, step) >= fraction * budget) return Math.floor(step / STEPS_PER_DAY) + 1;
    return undefined;
  };
  const expected = [
    // The exporter was unreachable: Heroku's accrual and CloudWatch's sums both went missing.
    { alert: 'SpendSourceMissing (heroku)', day: SOURCE_MISSING_DAY },
    { alert: 'SpendSourceMissing (lambda)', day: SOURCE_MISSING_DAY },
    { alert: 'AiCostPerQuestionDoubled', day: Math.floor(PRICIER_MODEL_FROM / STEPS_PER_DAY) + 1 },
    ...(
      [
        ['MonthlyBudgetHalfSpent', 0.5],
        ['MonthlyBudgetMostlySpent', 0.8],
        ['MonthlyBudgetExceeded', 1],
      ] as const
    ).flatMap(([alert, fraction]) => {
      const day = crossed(fraction);
      return day ? [{ alert, day }] : [];
    }),
  ];
  expect(crossed(0.5)).toBe(Math.floor(halfSpentAt / STEPS_PER_DAY) + 1);
  const describe = (list: typeof fired) =>
    list
      .map((f) => `${f.alert} on day ${f.day}`)
      .sort()
      .join(', ');

  console.log(
    [
      `budget $${budget.toFixed(2)}; the month ends at $${monthEnd.toFixed(2)}`,
      '| day | billed so far | month to date | forecast | ai/heroku/lambda billed/reported |',
      '|---|---|---|---|---|',
      ...rows,
      `alerts fired: ${describe(fired) || 'none'}`,
      '',
      '| day | Lambda billed GB-s | of which INIT | timeouts |',
      '|---|---|---|---|',
      ...month.lambdaDays.map(
        (d) =>
          `| ${d.day} | ${d.billedGbSeconds.toFixed(0)} | ${((100 * d.initGbSeconds) / d.billedGbSeconds).toFixed(1)} % | ${d.timeouts} |`,
      ),
    ].join('\n'),
  );
  expect({ problems, fired: describe(fired) }).toEqual({ problems: [], fired: describe(expected) });
}, 600_000);
