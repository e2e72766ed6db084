import type { MonitoringConfig } from '../config';
import { manilaHoursPromql } from '../manila-hours';
import { apiOwnTime } from './recording';
import type { AlertRule } from './types';

interface Slo {
  alert: string;
  /** Recorded as `<ratioPrefix><window>`, e.g. environment:brainbytes_api_errors:ratio_rate1h. */
  ratioPrefix: string;
  objective: number;
  team: AlertRule['team'];
  service: string;
  what: string;
  /** Requests counted in a window, by environment: a burn on a handful of requests alerts no one. */
  traffic: (window: string) => string;
}

/**
 * Requests a burn's long window must hold to page or to open a ticket: one failure in five requests
 * at night is not an outage, and two slow sign-ups on a newcomer's quiet stack are not a trend.
 */
export const MIN_REQUESTS_TO_ALERT = 50;
const apiTraffic = (w: string) =>
  `sum by (environment) (increase(brainbytes_http_requests_total{job="brainbytes-api"}[${w}]))`;

export const SLOS: Slo[] = [
  {
    alert: 'ApiErrorBudgetBurn',
    ratioPrefix: 'environment:brainbytes_api_errors:ratio_rate',
    objective: 0.995,
    team: 'engineering',
    service: 'api',
    what: 'API availability (99.5% of requests without a 5xx)',
    traffic: apiTraffic,
  },
  {
    alert: 'ApiLatencyBudgetBurn',
    ratioPrefix: 'environment:brainbytes_api_slow_requests:ratio_rate',
    objective: 0.99,
    team: 'engineering',
    service: 'api',
    what: 'API latency (99% of requests within 1 s, the wait for the tutor aside)',
    traffic: (w) =>
      `sum by (environment) (${apiOwnTime('increase', 'brainbytes_http_request_duration_seconds_count', '', w)})`,
  },
  {
    // Measured from outside: the share of probes of the public entries that failed.
    alert: 'StudentPathErrorBudgetBurn',
    ratioPrefix: 'environment:brainbytes_probe_failures:ratio_rate',
    objective: 0.995,
    team: 'infrastructure',
    service: 'web',
    what: 'Availability from outside (99.5% of probes of the public entries succeed)',
    traffic: (w) => `sum by (environment) (count_over_time(probe_success{job="blackbox"}[${w}]))`,
  },
  {
    alert: 'AiLatencyBudgetBurn',
    ratioPrefix: 'environment:brainbytes_ai_slow_answers:ratio_rate',
    objective: 0.95,
    team: 'ai',
    service: 'ai',
    what: 'AI answer latency (95% of answers within 10.24 s)',
    traffic: (w) => `sum by (environment) (increase(brainbytes_ai_request_duration_seconds_count[${w}]))`,
  },
];

/**
 * The SRE workbook's multi-window, multi-burn-rate alerts: page when 2% of a 30-day error budget
 * burns in an hour or 5% in six; ticket when 10% burns in a day or three days.
 */
function burnRateAlerts(slo: Slo): AlertRule[] {
  const budget = Number((1 - slo.objective).toFixed(6));
  const pair = (factor: number, long: string, short: string) =>
    `(${slo.ratioPrefix}${long} > (${factor} * ${budget}) and ${slo.ratioPrefix}${short} > (${factor} * ${budget}))`;
  const busy = (long: string) => `on (environment) ${slo.traffic(long)} >= ${MIN_REQUESTS_TO_ALERT}`;
  const common = { team: slo.team, service: slo.service };
  return [
    {
      alert: slo.alert,
      expr: `(${pair(14.4, '1h', '5m')} and ${busy('1h')})\nor\n(${pair(6, '6h', '30m')} and ${busy('6h')})`,
      for: '2m',
      severity: 'critical',
      ...common,
      summary: `The ${slo.service.toUpperCase()} burns its error budget fast.`,
      description: `${slo.what} in {{ $labels.environment }}: {{ $value | humanizePercentage }} of requests miss the objective; at this rate the 30-day budget is gone in days.`,
    },
    {
      alert: slo.alert,
      expr: `(${pair(3, '1d', '2h')} and ${busy('1d')})\nor\n(${pair(1, '3d', '6h')} and ${busy('3d')})`,
      for: '15m',
      severity: 'warning',
      ...common,
      summary: `The ${slo.service.toUpperCase()} burns its error budget steadily.`,
      description: `${slo.what} in {{ $labels.environment }}: {{ $value | humanizePercentage }} of requests miss the objective, faster than the budget allows.`,
    },
  ];
}

/** 8 KiB per answer response: the ask round trip is meant to cost ≈ 4 KB plus the answer's text. */
export const ANSWER_BYTES_BUDGET = 8192;

/** Refusals a minute, by one limit, that no class of honest students produces. */
export const RATE_LIMITED_PER_MINUTE = 10;

export const advancedAlerts: AlertRule[] = [
  ...SLOS.flatMap(burnRateAlerts),
  {
    alert: 'SlowLcpOn3g',
    expr: 'connection_metric:brainbytes_web_vitals_seconds:p75_1h{connection="3g",metric="LCP"} > 4',
    for: '30m',
    severity: 'warning',
    team: 'product',
    service: 'web',
    summary: 'Students on 3G wait too long for the page.',
    description:
      'p75 Largest Contentful Paint on 3G in {{ $labels.environment }} is {{ $value | humanizeDuration }} (poor above 4s).',
  },
  {
    alert: 'DataPerAnswerOverBudget',
    expr: `client_type:brainbytes_answer_response_bytes:avg_rate1h > ${ANSWER_BYTES_BUDGET}`,
    for: '30m',
    severity: 'warning',
    team: 'product',
    service: 'api',
    summary: 'Answers cost students more data than budgeted.',
    description: `An answer costs {{ $labels.client_type }} students {{ $value | humanize1024 }}B on average in {{ $labels.environment }} (budget ${ANSWER_BYTES_BUDGET / 1024} KiB): prepaid data runs out sooner.`,
  },
  {
    alert: 'ConnectionDropRateHigh',
    expr: 'environment:brainbytes_http_requests_aborted:ratio_rate15m > 0.05',
    for: '15m',
    severity: 'warning',
    team: 'product',
    service: 'api',
    summary: 'Many students lose their connection mid-request.',
    description:
      '{{ $value | humanizePercentage }} of requests in {{ $labels.environment }} were abandoned before the answer arrived (threshold 5%).',
  },
  {
    alert: 'ApiRateLimitsFiringOften',
    expr: `sum by (environment, limit) (rate(brainbytes_api_rate_limited_total[15m])) * 60 > ${RATE_LIMITED_PER_MINUTE}`,
    for: '10m',
    severity: 'warning',
    team: 'engineering',
    service: 'api',
    summary: 'Rate limits refuse many requests: likely abuse.',
    description: `The {{ $labels.limit }} limit refused {{ $value | humanize }} requests a minute in {{ $labels.environment }} for 10 minutes (threshold ${RATE_LIMITED_PER_MINUTE}): password guessing, a scripted account spending the AI budget, or a limit set too low for a classroom.`,
  },
];

/**
 * No questions in production for TRAFFIC_MISSING_AFTER inside the study hours (MANILA_STUDY_HOURS,
 * weekday after-school 15:00–22:00 by default): the evening peak is when an outage costs most.
 */
export function trafficMissingAlert(config: MonitoringConfig): AlertRule {
  const { studyHours, trafficMissingAfter } = config;
  const clock = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return {
    alert: 'TrafficMissingInManilaPeakHours',
    expr: `sum by (environment) (rate(brainbytes_questions_total{environment="production",client_type!="synthetic"}[${trafficMissingAfter}])) == 0
and on () (${manilaHoursPromql(studyHours)})`,
    for: '15m',
    severity: 'warning',
    team: 'product',
    service: 'api',
    summary: 'No questions during Manila study hours.',
    description: `Production has had no questions for ${trafficMissingAfter} in Manila study hours (${clock(studyHours.startMinute)}–${clock(studyHours.endMinute)}), when students study: check the web app, DNS and the API.`,
  };
}
