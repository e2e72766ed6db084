import type { MonitoringConfig } from '../config';
import { spendRules } from './recording-spend';
import type { RecordingRule, RuleGroup } from './types';

export { LAMBDA_PRICE, SECONDS_LEFT_IN_MONTH } from './recording-spend';

/**
 * Recording rules, named `level:metric:operations`. Every rule keeps `environment` (production and
 * staging never mix) unless it is about the account's money, which is one bill.
 */

/** The SRE workbook's windows for multi-window, multi-burn-rate alerts. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** Route template of the ask endpoint: its responses are the answers students pay data for. */
export const ANSWER_ROUTE = '/api/sessions/:id/questions';

/**
 * The API's own time, without asking: a question waits for the tutor, and that wait is the AI's
 * objective (AiLatencyBudgetBurn, 95% within 10.24 s), not the API's 1 s. Counting it would page
 * engineering whenever a real model takes two seconds, and on every cold tutor.
 * `fn(metric{job="brainbytes-api",…}[w])` without the POSTs to the answer route.
 */
export const apiOwnTime = (fn: string, metric: string, matchers: string, w: string) => {
  const selector = (extra: string) =>
    `${metric}{job="brainbytes-api"${matchers ? `,${matchers}` : ''}${extra}}[${w}]`;
  return `${fn}(${selector('')}) unless ${fn}(${selector(`,route="${ANSWER_ROUTE}",method="POST"`)})`;
};

/** Manila is UTC+8 all year (no daylight saving). */
export const MANILA_UTC_OFFSET_HOURS = 8;

/**
 * `numerator / denominator`, summed by `by`, that is 0 rather than absent while the numerator's
 * series do not exist yet (no 5xx so far): an empty error panel reads as broken monitoring.
 */
export const ratioOrZero = (numerator: string, denominator: string, by: string) =>
  `(sum by (${by}) (${numerator}) or sum by (${by}) (${denominator}) * 0)
/
sum by (${by}) (${denominator})`;

const quantiles = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;

function httpRules(): RecordingRule[] {
  const by = 'environment, job, route';
  return [
    {
      record: 'job_route:brainbytes_http_requests:rate5m',
      expr: `sum by (${by}) (rate(brainbytes_http_requests_total[5m]))`,
    },
    {
      record: 'job_route:brainbytes_http_errors:ratio_rate5m',
      expr: ratioOrZero(
        'rate(brainbytes_http_requests_total{status_code=~"5.."}[5m])',
        'rate(brainbytes_http_requests_total[5m])',
        by,
      ),
    },
    ...quantiles.map(([name, q]) => ({
      record: `job_route:brainbytes_http_request_duration_seconds:${name}_5m`,
      expr: `histogram_quantile(${q}, sum by (${by}, le) (rate(brainbytes_http_request_duration_seconds_bucket[5m])))`,
    })),
    {
      record: 'client_type:brainbytes_http_requests:share_rate5m',
      expr: `sum by (environment, client_type) (rate(brainbytes_http_requests_total[5m]))
/ ignoring (client_type) group_left
sum by (environment) (rate(brainbytes_http_requests_total[5m]))`,
    },
    {
      record: 'client_type:brainbytes_answer_response_bytes:avg_rate1h',
      expr: `sum by (environment, client_type) (rate(brainbytes_http_response_size_bytes_sum{route="${ANSWER_ROUTE}"}[1h]))
/
sum by (environment, client_type) (rate(brainbytes_http_response_size_bytes_count{route="${ANSWER_ROUTE}"}[1h]))`,
    },
    {
      record: 'environment:brainbytes_http_requests_aborted:ratio_rate15m',
      expr: ratioOrZero(
        'rate(brainbytes_http_requests_aborted_total[15m])',
        'rate(brainbytes_http_requests_total[15m])',
        'environment',
      ),
    },
  ];
}

/** Error and slow-request ratios over every SLO window, for the burn-rate alerts. */
function sloRules(): RecordingRule[] {
  return SLO_WINDOWS.flatMap((w) => [
    {
      record: `environment:brainbytes_api_errors:ratio_rate${w}`,
      expr: ratioOrZero(
        `rate(brainbytes_http_requests_total{job="brainbytes-api",status_code=~"5.."}[${w}])`,
        `rate(brainbytes_http_requests_total{job="brainbytes-api"}[${w}])`,
        'environment',
      ),
    },
    {
      record: `environment:brainbytes_api_slow_requests:ratio_rate${w}`,
      expr: `1 - (
  sum by (environment) (${apiOwnTime('rate', 'brainbytes_http_request_duration_seconds_bucket', 'le=~"1|1.0"', w)})
  /
  sum by (environment) (${apiOwnTime('rate', 'brainbytes_http_request_duration_seconds_count', '', w)})
)`,
    },
    {
      // Availability from outside: the share of the public entries' probes that failed.
      record: `environment:brainbytes_probe_failures:ratio_rate${w}`,
      expr: `1 - avg by (environment) (avg_over_time(probe_success{job="blackbox"}[${w}]))`,
    },
    {
      record: `environment:brainbytes_ai_slow_answers:ratio_rate${w}`,
      expr: `1 - (
  sum by (environment) (rate(brainbytes_ai_request_duration_seconds_bucket{le="10.24"}[${w}]))
  /
  sum by (environment) (rate(brainbytes_ai_request_duration_seconds_count[${w}]))
)`,
    },
  ]);
}

function aiRules(): RecordingRule[] {
  const by = 'environment, provider, model';
  return [
    ...quantiles.map(([name, q]) => ({
      record: `provider_model:brainbytes_ai_request_duration_seconds:${name}_5m`,
      expr: `histogram_quantile(${q}, sum by (${by}, le) (rate(brainbytes_ai_request_duration_seconds_bucket[5m])))`,
    })),
    {
      record: 'provider_model:brainbytes_ai_time_to_first_token_seconds:p95_5m',
      expr: `histogram_quantile(0.95, sum by (${by}, le) (rate(brainbytes_ai_time_to_first_token_seconds_bucket[5m])))`,
    },
    {
      record: 'provider_model_type:brainbytes_ai_tokens_used:rate5m',
      expr: `sum by (${by}, type) (rate(brainbytes_ai_tokens_used_total[5m]))`,
    },
    {
      // Attempts against each provider by outcome; error, timeout and rate-limit alerts read this.
      record: 'provider_outcome:brainbytes_ai_requests:ratio_rate5m',
      expr: `sum by (environment, provider, outcome) (rate(brainbytes_ai_requests_total[5m]))
/ ignoring (outcome) group_left
sum by (environment, provider) (rate(brainbytes_ai_requests_total[5m]))`,
    },
    {
      // Every question ends in exactly one success or fallback answer.
      record: 'environment:brainbytes_ai_fallback_answers:ratio_rate5m',
      expr: ratioOrZero(
        'rate(brainbytes_ai_requests_total{outcome="fallback"}[5m])',
        'rate(brainbytes_ai_requests_total{outcome=~"success|fallback"}[5m])',
        'environment',
      ),
    },
    {
      record: 'provider_model:brainbytes_ai_cost_dollars:rate1h',
      expr: `sum by (${by}) (rate(brainbytes_ai_cost_dollars_total[1h]))`,
    },
  ];
}

/**
 * Grafana's own latency (GRAFANA_TARGET): opening a dashboard, and the queries its panels run
 * (`/api/ds/query`), as Grafana labels its HTTP handlers.
 */
export const GRAFANA_HANDLERS = {
  dashboard: '/api/dashboards/uid/:uid',
  query: '/api/ds/query',
} as const;

function grafanaRules(): RecordingRule[] {
  return [
    {
      record: 'handler:grafana_http_request_duration_seconds:p95_5m',
      expr: `histogram_quantile(0.95, sum by (handler, le) (rate(grafana_http_request_duration_seconds_bucket{handler=~"${Object.values(GRAFANA_HANDLERS).join('|')}"}[5m])))`,
    },
  ];
}

function webRules(): RecordingRule[] {
  return [
    {
      record: 'connection_metric:brainbytes_web_vitals_seconds:p75_1h',
      expr: 'histogram_quantile(0.75, sum by (environment, connection, metric, le) (rate(brainbytes_web_vitals_seconds_bucket[1h])))',
    },
    {
      record: 'client_type:brainbytes_web_page_views:share_rate1h',
      expr: `sum by (environment, client_type) (rate(brainbytes_web_page_views_total[1h]))
/ ignoring (client_type) group_left
sum by (environment) (rate(brainbytes_web_page_views_total[1h]))`,
    },
    {
      record: 'connection:brainbytes_web_page_transfer_bytes:avg_rate1h',
      expr: `sum by (environment, connection) (rate(brainbytes_web_page_transfer_bytes_sum[1h]))
/
sum by (environment, connection) (rate(brainbytes_web_page_transfer_bytes_count[1h]))`,
    },
  ];
}

/** A scalar expression true only in the given Manila hour (`hour()` is UTC). */
export const manilaHourIs = (hour: number) => `hour() == ${(hour - MANILA_UTC_OFFSET_HOURS + 24) % 24}`;

/** Questions per second, labelled with the Manila hour it was measured in: averaged over days it is usage by hour of day. */
function usageByHourRules(): RecordingRule[] {
  const branches = Array.from({ length: 24 }, (_, hour) => {
    const label = String(hour).padStart(2, '0');
    return `label_replace(sum by (environment) (rate(brainbytes_questions_total{client_type!="synthetic"}[5m])) and on () ${manilaHourIs(hour)}, "manila_hour", "${label}", "", "")`;
  });
  return [{ record: 'manila_hour:brainbytes_questions:rate5m', expr: branches.join('\nor\n') }];
}

export function recordingRules(config: MonitoringConfig): RuleGroup<RecordingRule>[] {
  return [
    { name: 'brainbytes-http.rules', rules: httpRules() },
    { name: 'brainbytes-slo.rules', rules: sloRules() },
    { name: 'brainbytes-ai.rules', rules: aiRules() },
    { name: 'brainbytes-web.rules', rules: [...webRules(), ...usageByHourRules()] },
    { name: 'brainbytes-grafana.rules', rules: grafanaRules() },
    // The month-long subqueries need not run every 15 s.
    { name: 'brainbytes-spend.rules', interval: config.spendEvaluationInterval, rules: spendRules(config) },
  ];
}
