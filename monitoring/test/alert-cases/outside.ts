import { type AlertCase, production } from './inputs';

/** A probe of one public entry, as the blackbox job records it. */
const probe = (entry: string, metric = 'probe_success') =>
  `${metric}{job="blackbox",environment="production",entry="${entry}",instance="https://brainbytes-${entry}.herokuapp.com/"}`;
/** `n + 1` samples, failing where `fails(i)`. */
const samples = (n: number, fails: (i: number) => boolean) =>
  Array.from({ length: n + 1 }, (_, i) => (fails(i) ? 0 : 1)).join(' ');
const WHAT = 'Availability from outside (99.5% of probes of the public entries succeed)';
/** Go's humanizePercentage: %.4g of the percentage. */
const percentage = (ratio: number) => `${Number((100 * ratio).toPrecision(4))}%`;
const instance = (entry: string) => `https://brainbytes-${entry}.herokuapp.com/`;

/** The synthetic student's last journey, pushed by the Lambda job: `values` per step. */
const journey = (values: Record<string, string>, metric = 'brainbytes_synthetic_journey_success') =>
  Object.fromEntries(
    Object.entries(values).map(([step, v]) => [
      `${metric}{job="brainbytes-jobs",environment="production",platform="lambda",instance="",step="${step}"}`,
      v,
    ]),
  );

/** The student's path from outside: the blackbox probes of the public entries, and the synthetic student. */
export const OUTSIDE_CASES: AlertCase[] = [
  {
    alert: 'StudentPathDown',
    interval: '15s',
    evalTime: '4m',
    series: { [probe('web')]: samples(20, (i) => i >= 4), [probe('api')]: samples(20, () => false) },
    fires: [
      {
        severity: 'critical',
        labels: { entry: 'web', instance: instance('web'), service: 'web' },
        description: `${instance('web')} (web) has failed its probe for 2 minutes: wrong status, missing body, a TLS error or no answer. Students on that path get an error page.`,
      },
    ],
  },
  // One failed probe (a dropped packet) pages no one.
  {
    alert: 'StudentPathDown',
    interval: '15s',
    evalTime: '4m',
    series: { [probe('web')]: samples(20, (i) => i === 6) },
  },
  ...(
    [
      [
        10,
        'warning',
        'The certificate of {i} expires in 10.0 days (warning under 14): renew it (Heroku ACM renews its own; a custom certificate is yours).',
      ],
      [
        2,
        'critical',
        'The certificate of {i} expires in 2.0 days (critical under 3): when it does, every phone refuses the page. Renew it now.',
      ],
      [30, undefined, ''],
    ] as const
  ).map(
    ([days, severity, description]): AlertCase => ({
      alert: 'TlsCertificateExpiresSoon',
      evalTime: '20m',
      // The expiry as a timestamp: `days` after the evaluation time (20 minutes in).
      series: { [probe('web', 'probe_ssl_earliest_cert_expiry')]: `${1200 + days * 86400}x30` },
      ...(severity
        ? {
            fires: [
              {
                severity,
                labels: { entry: 'web', instance: instance('web'), service: 'web' },
                description: description.replace('{i}', instance('web')),
              },
            ],
          }
        : {}),
    }),
  ),
  // The availability SLO measured from outside, in the burn-rate style of the others.
  {
    alert: 'StudentPathErrorBudgetBurn',
    recording: ['brainbytes-slo.rules'],
    interval: '15s',
    evalTime: '10m',
    series: { [probe('web')]: samples(40, () => true), [probe('api')]: samples(40, () => false) },
    fires: [
      {
        severity: 'critical',
        labels: production,
        description: `${WHAT} in production: 50% of requests miss the objective; at this rate the 30-day budget is gone in days.`,
      },
    ],
  },
  {
    // One web probe in 25 failing for 2 h 50 min, evaluated at 3 h: the day window holds exactly the
    // 2 × 171 probes (none at its edges, whose inclusion varied from run to run), 6 of them failed.
    alert: 'StudentPathErrorBudgetBurn',
    recording: ['brainbytes-slo.rules'],
    evalTime: '3h',
    series: { [probe('web')]: samples(170, (i) => i % 25 === 24), [probe('api')]: samples(170, () => false) },
    fires: [
      {
        severity: 'warning',
        labels: production,
        description: `${WHAT} in production: ${percentage(6 / 342)} of requests miss the objective, faster than the budget allows.`,
      },
    ],
  },
  {
    alert: 'StudentPathErrorBudgetBurn',
    recording: ['brainbytes-slo.rules'],
    evalTime: '3h',
    series: { [probe('web')]: samples(180, (i) => i === 90), [probe('api')]: samples(180, () => false) },
  },
  // The synthetic student: the first failing step's team is paged, not the steps it never reached.
  {
    alert: 'SyntheticJourneyFailing',
    evalTime: '5m',
    series: journey({ login: '0x10', session: '0x10', ask: '0x10', history: '0x10' }),
    fires: [
      {
        severity: 'critical',
        labels: { step: 'login' },
        description:
          'The synthetic student’s last journey failed at login (every step before it passed): a student doing the same gets an error. The job’s log names the request and its answer.',
      },
    ],
  },
  {
    // The tutor fails while every health check passes: the ai team, not engineering.
    alert: 'SyntheticJourneyFailing',
    evalTime: '5m',
    series: journey({ login: '1x10', session: '1x10', ask: '0x10', history: '0x10' }),
    fires: [
      {
        severity: 'critical',
        labels: { step: 'ask', team: 'ai', service: 'ai' },
        description:
          'The synthetic student logged in and opened a session, but its question got no answer: the tutor path is broken even if every health check passes. Look at the AI provider, the AI function and the spend ceiling.',
      },
    ],
  },
  {
    alert: 'SyntheticJourneyFailing',
    evalTime: '5m',
    series: journey({ login: '1x10', session: '1x10', ask: '1x10', history: '1x10' }),
  },
  ...(['35x30', '12x30'] as const).map(
    (seconds): AlertCase => ({
      alert: 'SyntheticJourneySlow',
      evalTime: '20m',
      series: journey({ journey: seconds, ask: '30x30' }, 'brainbytes_synthetic_journey_duration_seconds'),
      ...(seconds === '35x30'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: {},
                description:
                  'The synthetic student’s last journey (log in, open a session, ask, read back) took 35s (threshold 20 s, SYNTHETIC_JOURNEY_SLOW_SECONDS): the System Overview shows which step.',
              },
            ],
          }
        : {}),
    }),
  ),
];
