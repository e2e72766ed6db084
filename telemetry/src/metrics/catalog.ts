/**
 * The metric catalog of ../../shared/METRICS.md: every app metric's name, type, help, labels and
 * buckets in one place. Components create their metrics from here (see `createAppMetrics`), so
 * dashboards, rules and tests can rely on the names.
 */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition<L extends string = string> {
  name: string;
  kind: MetricKind;
  help: string;
  /** Typed: a metric made from the catalog takes exactly these labels (`inc({typ: …})` does not compile). */
  labelNames: readonly L[];
  buckets?: readonly number[];
}

/** Request latency, 5 ms to 10 s. */
export const HTTP_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** OpenTelemetry GenAI semantic conventions' duration buckets (gen_ai.client.operation.duration): 0.01 s … 81.92 s. */
export const GENAI_SECONDS_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
] as const;
/** Response and page sizes, 256 B to 4 MiB: what a prepaid data plan pays for. */
export const BYTES_BUCKETS = [256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304] as const;
/** Web vitals in seconds (LCP, FCP, TTFB, INP), 50 ms to 20 s for slow-2g phones. */
export const WEB_VITAL_SECONDS_BUCKETS = [0.05, 0.1, 0.2, 0.5, 1, 1.8, 2.5, 4, 6, 10, 20] as const;
/** Lambda INIT (cold start) durations, 50 ms to its 10 s cap. */
export const INIT_SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10] as const;
/** Peak memory over configured memory: the top buckets are where Lambda kills a function. */
export const MEMORY_RATIO_BUCKETS = [0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1] as const;

/** A catalog entry; `const` keeps the label names as literal types. */
export const defineMetric = <K extends MetricKind, const L extends string = never>(
  name: string,
  kind: K,
  help: string,
  labelNames: readonly L[] = [],
  buckets?: readonly number[],
): MetricDefinition<L> & { kind: K } => ({ name, kind, help, labelNames, ...(buckets ? { buckets } : {}) });

const def = defineMetric;

export const CATALOG = {
  // Required names from the original architecture: these must not change.
  httpRequests: def(
    'brainbytes_http_requests_total',
    'counter',
    'HTTP requests handled, by route template and client type.',
    ['method', 'route', 'status_code', 'client_type'],
  ),
  httpDuration: def(
    'brainbytes_http_request_duration_seconds',
    'histogram',
    'Time to handle an HTTP request, by route template.',
    ['method', 'route', 'status_code'],
    HTTP_SECONDS_BUCKETS,
  ),
  dbConnectionsActive: def(
    'brainbytes_db_connections_active',
    'gauge',
    'Database connections checked out of the pool.',
  ),
  // Beside it: the pool size, so "near the pool size" needs no constant in the alert.
  dbConnectionsMax: def(
    'brainbytes_db_connections_max',
    'gauge',
    'Database connections the pool may open (its size).',
  ),
  aiRequests: def(
    'brainbytes_ai_requests_total',
    'counter',
    'Tutor answers requested from an AI provider, by outcome.',
    ['provider', 'model', 'subject', 'outcome'],
  ),
  aiDuration: def(
    'brainbytes_ai_request_duration_seconds',
    'histogram',
    'Time for an AI provider to produce a whole answer.',
    ['provider', 'model'],
    GENAI_SECONDS_BUCKETS,
  ),
  aiTokens: def(
    'brainbytes_ai_tokens_used_total',
    'counter',
    'Tokens billed by AI providers, by type (input, output, cached_input).',
    ['provider', 'model', 'type'],
  ),

  // API
  httpResponseSize: def(
    'brainbytes_http_response_size_bytes',
    'histogram',
    'Response bytes sent on the wire (headers and body), by route and client type: the data students pay for.',
    ['route', 'client_type'],
    BYTES_BUCKETS,
  ),
  httpAborted: def(
    'brainbytes_http_requests_aborted_total',
    'counter',
    'Requests the client abandoned before the response was sent.',
    ['route', 'client_type'],
  ),
  dbQueryDuration: def(
    'brainbytes_db_query_duration_seconds',
    'histogram',
    'Database query time, by operation.',
    ['operation'],
    HTTP_SECONDS_BUCKETS,
  ),
  authEvents: def(
    'brainbytes_auth_events_total',
    'counter',
    'Sign-up, log-in and log-out attempts, by outcome.',
    ['event', 'outcome'],
  ),
  apiRateLimited: def(
    'brainbytes_api_rate_limited_total',
    'counter',
    'Requests refused with 429, by the limit that refused them (login by account, by address, or both; questions per student, per day, per address; sessions; RUM).',
    ['limit'],
  ),
  dbConnectionErrors: def(
    'brainbytes_db_connection_errors_total',
    'counter',
    'Idle database connections the server dropped (maintenance, failover, restarts); the pool replaces them.',
  ),
  studySessionsStarted: def('brainbytes_study_sessions_started_total', 'counter', 'Study sessions started.'),
  questions: def('brainbytes_questions_total', 'counter', 'Questions asked, by subject and client type.', [
    'subject',
    'client_type',
  ]),

  // Functions (Lambda cost inputs)
  functionInvocations: def(
    'brainbytes_function_invocations_total',
    'counter',
    'Function invocations, by cold start.',
    ['function', 'cold_start'],
  ),
  functionGbSeconds: def(
    'brainbytes_function_gb_seconds_total',
    'counter',
    'Memory-time of the handlers (GB × seconds, unrounded, without INIT).',
    ['function'],
  ),
  functionBilledGbSeconds: def(
    'brainbytes_function_billed_gb_seconds_total',
    'counter',
    'Memory-time as Lambda bills it: INIT plus the handler, rounded up to the millisecond, × configured memory (GB-s).',
    ['function'],
  ),
  functionInitDuration: def(
    'brainbytes_function_init_duration_seconds',
    'histogram',
    'Cold starts: from the process start to the first handler entry (Lambda bills it since August 2025).',
    ['function'],
    INIT_SECONDS_BUCKETS,
  ),
  functionMemoryUsedRatio: def(
    'brainbytes_function_memory_used_ratio',
    'histogram',
    'Per invocation, the process’s peak resident memory over the configured memory.',
    ['function'],
    MEMORY_RATIO_BUCKETS,
  ),
  functionTimeouts: def(
    'brainbytes_function_timeouts_total',
    'counter',
    'Invocations still running just before their deadline: counted and pushed before Lambda kills them.',
    ['function'],
  ),

  // The synthetic student (functions/src/jobs/synthetic-student.ts): the student path from outside.
  syntheticJourneySuccess: def(
    'brainbytes_synthetic_journey_success',
    'gauge',
    'The synthetic student’s last journey, by step (login, session, ask, history, and journey for the whole): 1 passed, 0 failed or not reached.',
    ['step'],
  ),
  syntheticJourneyDuration: def(
    'brainbytes_synthetic_journey_duration_seconds',
    'gauge',
    'How long each step of the synthetic student’s last journey took (journey: all of it).',
    ['step'],
  ),
  syntheticAiCost: def(
    'brainbytes_synthetic_ai_cost_dollars_total',
    'counter',
    'AI spend on the synthetic student’s questions (part of brainbytes_ai_cost_dollars_total): what watching from outside costs.',
    [],
  ),

  // AI
  aiTimeToFirstToken: def(
    'brainbytes_ai_time_to_first_token_seconds',
    'histogram',
    'Time until the first streamed token of an answer.',
    ['provider', 'model'],
    GENAI_SECONDS_BUCKETS,
  ),
  aiCost: def(
    'brainbytes_ai_cost_dollars_total',
    'counter',
    'Estimated AI spend in US dollars, from the dated price table.',
    ['provider', 'model'],
  ),

  aiUnpriced: def(
    'brainbytes_ai_unpriced_requests_total',
    'counter',
    'Answers from a model missing from the dated price table: their cost is unknown, not zero.',
    ['provider', 'model'],
  ),

  // Web (real-user metrics sent by the browser to POST /api/rum)
  webPageViews: def('brainbytes_web_page_views_total', 'counter', 'Page views reported by browsers.', [
    'page',
    'client_type',
    'connection',
  ]),
  webUserActions: def(
    'brainbytes_web_user_actions_total',
    'counter',
    'Student actions (ask, subject change, language switch, retry).',
    ['action', 'page', 'client_type'],
  ),
  webErrors: def(
    'brainbytes_web_errors_total',
    'counter',
    'Errors in the browser: JavaScript errors and failed API calls.',
    ['kind', 'page', 'client_type'],
  ),
  webVitals: def(
    'brainbytes_web_vitals_seconds',
    'histogram',
    'Web vitals (LCP, FCP, TTFB, INP) as browsers measured them, by connection type.',
    ['metric', 'page', 'client_type', 'connection'],
    WEB_VITAL_SECONDS_BUCKETS,
  ),
  webCls: def(
    'brainbytes_web_cls',
    'histogram',
    'Cumulative layout shift (unitless) as browsers measured it.',
    ['page', 'client_type', 'connection'],
    [0.01, 0.05, 0.1, 0.25, 0.5, 1],
  ),
  webTransferBytes: def(
    'brainbytes_web_page_transfer_bytes',
    'histogram',
    'Bytes a page load transferred: what it cost a prepaid data plan.',
    ['page', 'client_type', 'connection'],
    BYTES_BUCKETS,
  ),
  webConnectionEvents: def(
    'brainbytes_web_connection_events_total',
    'counter',
    'Connection events in the browser: offline, online, timeout, failed, replayed (a queued request sent later).',
    ['event', 'client_type'],
  ),

  // Business (from the database, by the scheduled job)
  activeStudents: def(
    'brainbytes_active_students',
    'gauge',
    'Students who asked or signed in within the window (1d, 7d, 30d).',
    ['window'],
  ),
  openStudySessions: def(
    'brainbytes_study_sessions_open',
    'gauge',
    'Study sessions started in the last day and not ended.',
  ),
  questionsPerSession: def(
    'brainbytes_questions_per_session',
    'gauge',
    'Average questions per study session started in the last 7 days.',
  ),
  questionsBySubject: def(
    'brainbytes_questions_last_30d',
    'gauge',
    'Questions asked in the last 30 days, by subject.',
    ['subject'],
  ),
  aiSpendMonthToDate: def(
    'brainbytes_ai_spend_month_to_date_dollars',
    'gauge',
    'AI spend so far this UTC month from the ledger of billed calls (answers stored or not), by provider.',
    ['provider'],
  ),
  aiCeilingAnswers: def(
    'brainbytes_ai_ceiling_answers_total',
    'counter',
    'Questions the AI spend ceiling answered differently: brief (past the soft line) or by the offline tutor (past the ceiling), by the UTC period whose line was crossed (day, month).',
    ['tier', 'period'],
  ),
  aiBilledCalls: def(
    'brainbytes_ai_billed_calls_total',
    'counter',
    'AI calls the API paid for, stored or not (a retry that lost a race still counts), by provider.',
    ['provider'],
  ),
  aiCostPerQuestion: def(
    'brainbytes_ai_cost_per_question_dollars',
    'gauge',
    'AI cost per question from the stored answers: over the last hour with questions (window="1h") and the 7 days before it (window="7d").',
    ['window'],
  ),

  // Push client health
  pushDroppedSamples: def(
    'brainbytes_push_client_dropped_samples_total',
    'counter',
    'Samples the push client gave up on: refused by the gateway, or past its series bound.',
    ['reason'],
  ),
} as const satisfies Record<string, MetricDefinition>;

export type CatalogKey = keyof typeof CATALOG;
