import { ANSWER_ROUTE } from '../../src/rules/recording';
import type { Severity } from '../../src/rules/types';

/**
 * promtool unit tests for every alert: one case where it fires (with the labels and the
 * description a person will read) and one where it stays quiet. Times are from the Unix epoch,
 * a Thursday at 00:00 UTC.
 */
export interface AlertCase {
  alert: string;
  /** Which rule files (group names) the case loads besides the alert's own. */
  recording?: string[];
  /** Sample spacing of input series; promtool evaluates rules at the same step. */
  interval?: string;
  evalTime: string;
  series: Record<string, string>;
  /** Absent: the case expects silence. */
  fires?: {
    severity: Severity;
    labels: Record<string, string>;
    description: string;
    annotations?: Record<string, string>;
  }[];
}

/** Series the cases push through the rules: realistic label sets, rates that make round numbers. */
export const API = 'job="brainbytes-api",environment="production",platform="heroku"';
export const AI = 'job="brainbytes-ai",environment="production",platform="lambda"';
export const ASK = `route="${ANSWER_ROUTE}"`;
export const SESSIONS = 'route="/api/sessions"';
export const production = { environment: 'production' };

export const httpTotals = (ok: string, failed: string) => ({
  [`brainbytes_http_requests_total{${API},method="POST",${ASK},status_code="200",client_type="mobile"}`]: ok,
  [`brainbytes_http_requests_total{${API},method="POST",${ASK},status_code="500",client_type="mobile"}`]:
    failed,
});

export const aiOutcomes = (success: string, outcome: string, other: string) => ({
  [`brainbytes_ai_requests_total{${AI},provider="openai",model="gpt-4o-mini",subject="math",outcome="success"}`]:
    success,
  [`brainbytes_ai_requests_total{${AI},provider="openai",model="gpt-4o-mini",subject="math",outcome="${outcome}"}`]:
    other,
});

/** Request durations of one route: the API's own (starting a session) unless the answer route is named. */
export const apiSlow = (fast: string, all: string, route = SESSIONS) => ({
  [`brainbytes_http_request_duration_seconds_bucket{${API},method="POST",${route},status_code="200",le="1"}`]:
    fast,
  [`brainbytes_http_request_duration_seconds_count{${API},method="POST",${route},status_code="200"}`]: all,
});

export const aiSlow = (fast: string, all: string) => ({
  [`brainbytes_ai_request_duration_seconds_bucket{${AI},provider="openai",model="gpt-4o-mini",le="10.24"}`]:
    fast,
  [`brainbytes_ai_request_duration_seconds_count{${AI},provider="openai",model="gpt-4o-mini"}`]: all,
});

/** Request durations of one route (all of them within 2.5 s), and its requests. */
export const latencyBuckets = (le1: string, le25: string, route = SESSIONS) => ({
  [`brainbytes_http_requests_total{${API},method="POST",${route},status_code="200",client_type="mobile"}`]:
    le25,
  [`brainbytes_http_request_duration_seconds_bucket{${API},method="POST",${route},status_code="200",le="1"}`]:
    le1,
  [`brainbytes_http_request_duration_seconds_bucket{${API},method="POST",${route},status_code="200",le="2.5"}`]:
    le25,
  [`brainbytes_http_request_duration_seconds_bucket{${API},method="POST",${route},status_code="200",le="+Inf"}`]:
    le25,
});

export const budgetInputs = (ratio: string) => ({
  'brainbytes:spend_budget:ratio': ratio,
  'provider:brainbytes_spend_dollars:month_to_date{provider="ai"}': '40x100',
  'provider:brainbytes_spend_dollars:month_to_date{provider="heroku"}': '20x100',
  'brainbytes:spend_dollars:forecast_month_end': '90x100',
  'brainbytes:budget_dollars:monthly': '100x100',
});
export const BUDGET_SHOWN = {
  breakdown: 'ai: $40.00; heroku: $20.00; ',
  forecast: '$90.00',
  budget: '$100.00',
};
export const budgetLabels = { category: 'budget' };

export const upEveryFifthFails = Array.from({ length: 40 }, (_, minute) => (minute % 5 === 4 ? 0 : 1)).join(
  ' ',
);
