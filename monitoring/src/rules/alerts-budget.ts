import type { AlertRule } from './types';

/** Labels that send an alert to the budget owner's email at any hour. */
export const BUDGET_LABELS = { category: 'budget' } as const;

/** Prometheus templates run `query`, so the email can carry the breakdown the alert fired on. */
export const BUDGET_ANNOTATIONS = {
  breakdown:
    '{{ range query "sort_desc(provider:brainbytes_spend_dollars:month_to_date)" }}{{ .Labels.provider }}: ${{ printf "%.2f" .Value }}; {{ end }}',
  forecast:
    '{{ with query "brainbytes:spend_dollars:forecast_month_end" }}${{ printf "%.2f" (. | first | value) }}{{ end }}',
  budget:
    '{{ with query "brainbytes:budget_dollars:monthly" }}${{ printf "%.2f" (. | first | value) }}{{ end }}',
};

/**
 * Spend only grows within a month and a missing source is carried at its last value, so a
 * threshold, once crossed, holds: `keep_firing_for` rides out a gap anyway. No `for`: it would be
 * lost with Prometheus's disk, and the alert would go quiet for its length after a restart —
 * Alertmanager would send "resolved", then "firing" again.
 */
const STEADY = { keepFiringFor: '30m' } as const;

const threshold = (percent: number, severity: AlertRule['severity'], alert: string): AlertRule => ({
  alert,
  expr: `brainbytes:spend_budget:ratio >= ${percent / 100}`,
  ...STEADY,
  severity,
  team: 'product',
  service: 'budget',
  labels: BUDGET_LABELS,
  annotations: BUDGET_ANNOTATIONS,
  summary:
    percent >= 100
      ? 'This month’s cloud spend is over budget.'
      : `This month’s cloud spend passed ${percent}% of the budget.`,
  description: `Spend so far this month is {{ $value | humanizePercentage }} of the monthly budget (BRAINBYTES_MONTHLY_BUDGET_DOLLARS).`,
});

export const budgetAlerts: AlertRule[] = [
  threshold(50, 'info', 'MonthlyBudgetHalfSpent'),
  threshold(80, 'warning', 'MonthlyBudgetMostlySpent'),
  threshold(100, 'critical', 'MonthlyBudgetExceeded'),
  {
    alert: 'MonthlySpendForecastOverBudget',
    expr: 'brainbytes:spend_dollars:forecast_month_end > brainbytes:budget_dollars:monthly',
    for: '1h',
    keepFiringFor: '1h',
    severity: 'warning',
    team: 'product',
    service: 'budget',
    labels: BUDGET_LABELS,
    annotations: BUDGET_ANNOTATIONS,
    summary: 'This month’s spend is on course to exceed the budget.',
    description:
      'At the last day’s spend rate the month ends at ${{ printf "%.2f" $value }}, over the monthly budget.',
  },
  {
    // Not a budget email: the owner's numbers stay right (the last known value), the people who
    // run the source are told to bring it back.
    alert: 'SpendSourceMissing',
    expr: 'provider:brainbytes_spend_source:missing == 1',
    for: '5m',
    severity: 'warning',
    team: 'infrastructure',
    service: 'budget',
    summary: 'A spend source stopped reporting; its month-to-date is the last known value.',
    description:
      'Month-to-date spend for {{ $labels.provider }} has not been reported for 5 minutes and is held at its last known value. ai: the scheduled job (brainbytes-jobs) pushing to the gateway; heroku: the heroku-exporter and its Platform API token; lambda: the heroku-exporter’s CloudWatch poll (LAMBDA_FUNCTIONS, AWS credentials).',
  },
  {
    // The API stopped buying AI answers: students get the offline tutor with a note until the next
    // UTC day or month. The owner hears it by email at once, whatever the hour. A counter that
    // appears for the first time counts too (increase() needs two samples of a series).
    alert: 'AiSpendCeilingReached',
    expr: `sum by (period) (
  increase(brainbytes_ai_ceiling_answers_total{tier="offline"}[15m]) > 0
  or (brainbytes_ai_ceiling_answers_total{tier="offline"} unless brainbytes_ai_ceiling_answers_total{tier="offline"} offset 15m)
) > 0`,
    keepFiringFor: '15m',
    severity: 'warning',
    team: 'product',
    service: 'ai',
    labels: BUDGET_LABELS,
    annotations: BUDGET_ANNOTATIONS,
    summary: 'The AI spend ceiling is reached: students get the offline tutor.',
    description:
      'Questions are answered by the offline tutor, with a note to the student, because this {{ $labels.period }}’s AI ceiling was reached (AI_CEILING_DAILY_DOLLARS / AI_CEILING_MONTHLY_DOLLARS on the API). Full answers come back with the next UTC {{ $labels.period }}; raise the ceiling to bring them back sooner, or look for a flood of questions if this is unexpected.',
  },
  {
    alert: 'AiCostPerQuestionDoubled',
    expr: `brainbytes:ai_cost_per_question_dollars:rate1h > 2 * brainbytes:ai_cost_per_question_dollars:avg7d
and brainbytes:ai_cost_per_question_dollars:avg7d > 0`,
    for: '1h',
    keepFiringFor: '1h',
    severity: 'warning',
    team: 'ai',
    service: 'ai',
    labels: BUDGET_LABELS,
    annotations: BUDGET_ANNOTATIONS,
    summary: 'An answer costs twice what it did this week.',
    description:
      'AI cost per question is ${{ printf "%.4f" $value }} over the last hour, more than double the 7-day average: a pricier model, longer prompts or retries.',
  },
];
