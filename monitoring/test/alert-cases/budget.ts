import { type AlertCase, BUDGET_SHOWN, budgetInputs, budgetLabels } from './inputs';

/** Budget alerts, fed the recorded spend series (the spend rules have tests of their own). */
export const BUDGET_CASES: AlertCase[] = [
  // --- budget: fed the recorded spend series (the spend rules have tests of their own) ---
  ...(
    [
      ['MonthlyBudgetHalfSpent', 'info', '0.6x10', '0.3x10', '60%'],
      ['MonthlyBudgetMostlySpent', 'warning', '0.85x10', '0.6x10', '85%'],
      ['MonthlyBudgetExceeded', 'critical', '1.2x10', '0.9x10', '120%'],
    ] as const
  ).flatMap(([alert, severity, high, low, shown]): AlertCase[] => [
    {
      alert,
      evalTime: '10m',
      series: budgetInputs(high),
      fires: [
        {
          severity,
          labels: budgetLabels,
          description: `Spend so far this month is ${shown} of the monthly budget (BRAINBYTES_MONTHLY_BUDGET_DOLLARS).`,
          annotations: BUDGET_SHOWN,
        },
      ],
    },
    { alert, evalTime: '10m', series: budgetInputs(low) },
    // One missed scrape (the ratio dips while a source is absent): still firing, no "resolved".
    {
      alert,
      evalTime: '12m',
      series: budgetInputs(`${high} ${low.split('x')[0]} ${high}`),
      fires: [
        {
          severity,
          labels: budgetLabels,
          description: `Spend so far this month is ${shown} of the monthly budget (BRAINBYTES_MONTHLY_BUDGET_DOLLARS).`,
          annotations: BUDGET_SHOWN,
        },
      ],
    },
  ]),
  ...(['150x100', '90x100'] as const).map(
    (forecast): AlertCase => ({
      alert: 'MonthlySpendForecastOverBudget',
      evalTime: '70m',
      series: { ...budgetInputs('0.5x100'), 'brainbytes:spend_dollars:forecast_month_end': forecast },
      ...(forecast === '150x100'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: budgetLabels,
                description:
                  'At the last day’s spend rate the month ends at $150.00, over the monthly budget.',
                annotations: { ...BUDGET_SHOWN, forecast: '$150.00' },
              },
            ],
          }
        : {}),
    }),
  ),
  ...(['0.01x100', '0.006x100'] as const).map(
    (hourly): AlertCase => ({
      alert: 'AiCostPerQuestionDoubled',
      evalTime: '70m',
      series: {
        ...budgetInputs('0.5x100'),
        'brainbytes:ai_cost_per_question_dollars:rate1h': hourly,
        'brainbytes:ai_cost_per_question_dollars:avg7d': '0.004x100',
      },
      ...(hourly === '0.01x100'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: budgetLabels,
                description:
                  'AI cost per question is $0.0100 over the last hour, more than double the 7-day average: a pricier model, longer prompts or retries.',
                annotations: BUDGET_SHOWN,
              },
            ],
          }
        : {}),
    }),
  ),
  // The API answers from the offline tutor past the ceiling: a counter that grows, or one that has
  // just appeared (its first answers), fires; a counter standing still for 15 minutes does not.
  ...(
    [
      ['0+2x50', true],
      ['_x35 1x20', true],
      ['7x50', false],
    ] as const
  ).map(
    ([counter, fires]): AlertCase => ({
      alert: 'AiSpendCeilingReached',
      evalTime: '40m',
      series: {
        ...budgetInputs('0.5x100'),
        'brainbytes_ai_ceiling_answers_total{tier="offline",period="day",instance="api"}': counter,
      },
      ...(fires
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { ...budgetLabels, period: 'day' },
                description:
                  'Questions are answered by the offline tutor, with a note to the student, because this day’s AI ceiling was reached (AI_CEILING_DAILY_DOLLARS / AI_CEILING_MONTHLY_DOLLARS on the API). Full answers come back with the next UTC day; raise the ceiling to bring them back sooner, or look for a flood of questions if this is unexpected.',
                annotations: BUDGET_SHOWN,
              },
            ],
          }
        : {}),
    }),
  ),
  // A source stops reporting: fires after 5 minutes, names the provider, quiet while it reports.
  ...(['1x10', '0x10'] as const).map(
    (missing): AlertCase => ({
      alert: 'SpendSourceMissing',
      evalTime: '6m',
      series: { 'provider:brainbytes_spend_source:missing{provider="heroku"}': missing },
      ...(missing === '1x10'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { provider: 'heroku' },
                description:
                  'Month-to-date spend for heroku has not been reported for 5 minutes and is held at its last known value. ai: the scheduled job (brainbytes-jobs) pushing to the gateway; heroku: the heroku-exporter and its Platform API token; lambda: the heroku-exporter’s CloudWatch poll (LAMBDA_FUNCTIONS, AWS credentials).',
              },
            ],
          }
        : {}),
    }),
  ),
];
