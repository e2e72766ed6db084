import { ANSWER_ROUTE } from './recording';
import type { AlertRule } from './types';

/** Symptoms of one component at a time: targets, API, AI, database, Heroku, host. */
/** Requests a route must have in 5 minutes before its p95 means anything (ApiHighLatency). */
export const MIN_REQUESTS_FOR_P95 = 20;
/** Provider attempts a 5-minute window must hold before a failure share means anything. */
export const MIN_ANSWERS_TO_ALERT = 10;

export const basicAlerts: AlertRule[] = [
  {
    alert: 'TargetDown',
    // A probe's `up` is the blackbox exporter's (its own job says when it is down); what it
    // probes failing is StudentPathDown.
    expr: 'up{job!="blackbox"} == 0',
    for: '2m',
    severity: 'critical',
    team: 'infrastructure',
    service: '{{ $labels.job }}',
    summary: 'Prometheus cannot scrape a target.',
    description:
      '{{ $labels.job }} at {{ $labels.instance }} has not answered a scrape for 2 minutes: its metrics are missing and alerts that read them stay silent.',
  },
  {
    alert: 'ApiHighErrorRatio',
    expr: `job_route:brainbytes_http_errors:ratio_rate5m{job="brainbytes-api"} > 0.05
and on (environment, job, route)
job_route:brainbytes_http_requests:rate5m > 0.01`,
    for: '5m',
    severity: 'critical',
    team: 'engineering',
    service: 'api',
    summary: 'The API answers too many requests with 5xx.',
    description:
      '{{ $value | humanizePercentage }} of {{ $labels.route }} requests in {{ $labels.environment }} failed with 5xx over the last 5 minutes (threshold 5%).',
  },
  {
    alert: 'ApiHighLatency',
    // Asking waits for the tutor, whose latency has its own objective (AiLatencyBudgetBurn). A p95
    // of a handful of requests is its slowest one (eight students signing up at once): not a trend.
    expr: `job_route:brainbytes_http_request_duration_seconds:p95_5m{job="brainbytes-api",route!="${ANSWER_ROUTE}"} > 2
and on (environment, job, route) job_route:brainbytes_http_requests:rate5m * 300 >= ${MIN_REQUESTS_FOR_P95}`,
    for: '10m',
    severity: 'warning',
    team: 'engineering',
    service: 'api',
    summary: 'API p95 latency is above 2 seconds.',
    description:
      'p95 latency of {{ $labels.route }} in {{ $labels.environment }} is {{ $value | humanizeDuration }} (threshold 2s); on 3G, on top of the network delay, that is a page that feels broken.',
  },
  ...(
    [
      ['AiProviderErrors', 'error', 0.1, 'critical', '5m', 'fails'],
      ['AiProviderTimeouts', 'timeout', 0.05, 'warning', '10m', 'times out on'],
      ['AiProviderRateLimited', 'rate_limited', 0.05, 'warning', '10m', 'rate-limits'],
    ] as const
  ).map(
    ([alert, outcome, threshold, severity, duration, verb]): AlertRule => ({
      alert,
      // At least MIN_ANSWERS_TO_ALERT attempts in the window: two failures of three at night page no one.
      expr: `provider_outcome:brainbytes_ai_requests:ratio_rate5m{outcome="${outcome}",provider!="offline"} > ${threshold}
and on (environment, provider) sum by (environment, provider) (increase(brainbytes_ai_requests_total[5m])) >= ${MIN_ANSWERS_TO_ALERT}`,
      for: duration,
      severity,
      team: 'ai',
      service: 'ai',
      summary: `The AI provider ${verb} too many answers.`,
      description: `{{ $labels.provider }} ${verb} {{ $value | humanizePercentage }} of answers in {{ $labels.environment }} (threshold ${threshold * 100}%); students get the offline tutor instead.`,
    }),
  ),
  {
    alert: 'OfflineTutorInProduction',
    expr: 'sum by (environment) (rate(brainbytes_ai_requests_total{environment="production",provider="offline",outcome="success"}[10m])) > 0',
    for: '5m',
    severity: 'warning',
    team: 'ai',
    service: 'ai',
    summary: 'Production answers come from the offline tutor.',
    description:
      'The AI tutor in production answers {{ printf "%.2f" $value }} questions/s from the offline curriculum: it has no OPENAI_API_KEY (or OPENAI_API_KEY_PARAMETER).',
  },
  {
    alert: 'DbConnectionsNearPoolSize',
    expr: `max by (environment, job) (brainbytes_db_connections_active)
/
max by (environment, job) (brainbytes_db_connections_max) > 0.8`,
    for: '5m',
    severity: 'warning',
    team: 'engineering',
    service: 'api',
    summary: 'An API instance’s database pool is nearly exhausted.',
    // Each instance has its own pool and the gauge keeps the last report: this is one instance's
    // view. All instances together against the database's limit: PostgresConnectionsNearLimit.
    description:
      'A {{ $labels.job }} instance in {{ $labels.environment }} (the last to report) uses {{ $value | humanizePercentage }} of its own database pool; its requests will start to queue.',
  },
  {
    alert: 'HerokuDynoCrashed',
    expr: 'sum by (app, process_type) (increase(heroku_dyno_crashes_total[5m])) > 0',
    severity: 'critical',
    team: 'infrastructure',
    service: 'heroku',
    summary: 'A Heroku dyno crashed.',
    description:
      'A {{ $labels.process_type }} dyno of {{ $labels.app }} crashed ({{ $value | humanize }} in 5 minutes); Heroku restarts it with backoff.',
  },
  {
    alert: 'HostMemoryPressure',
    expr: 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.1',
    for: '10m',
    severity: 'warning',
    team: 'infrastructure',
    service: 'host',
    summary: 'The host is running out of memory.',
    description: '{{ $labels.instance }} has {{ $value | humanizePercentage }} of its memory available.',
  },
  {
    alert: 'HostDiskPressure',
    expr: `node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes < 0.1
and node_filesystem_readonly == 0`,
    for: '10m',
    severity: 'warning',
    team: 'infrastructure',
    service: 'host',
    summary: 'A disk is nearly full.',
    description:
      '{{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value | humanizePercentage }} free; Prometheus and the gateway stop writing when it is full.',
  },
];
