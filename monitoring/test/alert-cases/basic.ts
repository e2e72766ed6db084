import { ANSWER_ROUTE } from '../../src/rules/recording';
import { AI, type AlertCase, API, ASK, aiOutcomes, httpTotals, latencyBuckets, production } from './inputs';

/** Symptoms of one component: targets, API, AI, database, Heroku, host. */
export const BASIC_CASES: AlertCase[] = [
  {
    alert: 'TargetDown',
    evalTime: '5m',
    series: { 'up{job="pushgateway",instance="localhost:9091"}': '0x10' },
    fires: [
      {
        severity: 'critical',
        labels: { job: 'pushgateway', instance: 'localhost:9091', service: 'pushgateway' },
        description:
          'pushgateway at localhost:9091 has not answered a scrape for 2 minutes: its metrics are missing and alerts that read them stay silent.',
      },
    ],
  },
  {
    alert: 'TargetDown',
    evalTime: '5m',
    series: { 'up{job="pushgateway",instance="localhost:9091"}': '1x10' },
  },
  {
    alert: 'ApiHighErrorRatio',
    recording: ['brainbytes-http.rules'],
    evalTime: '10m',
    series: httpTotals('0+54x20', '0+6x20'),
    fires: [
      {
        severity: 'critical',
        labels: { ...production, job: 'brainbytes-api', route: ANSWER_ROUTE },
        description: `10% of ${ANSWER_ROUTE} requests in production failed with 5xx over the last 5 minutes (threshold 5%).`,
      },
    ],
  },
  {
    alert: 'ApiHighErrorRatio',
    recording: ['brainbytes-http.rules'],
    evalTime: '10m',
    series: httpTotals('0+59x20', '0+1x20'),
  },
  {
    alert: 'ApiHighLatency',
    recording: ['brainbytes-http.rules'],
    evalTime: '15m',
    series: latencyBuckets('0x20', '0+60x20'),
    fires: [
      {
        severity: 'warning',
        labels: { ...production, job: 'brainbytes-api', route: '/api/sessions' },
        description:
          'p95 latency of /api/sessions in production is 2.425s (threshold 2s); on 3G, on top of the network delay, that is a page that feels broken.',
      },
    ],
  },
  // Eight sign-ups in five minutes, every one slow: a p95 of eight requests is no trend (MIN_REQUESTS_FOR_P95).
  {
    alert: 'ApiHighLatency',
    recording: ['brainbytes-http.rules'],
    evalTime: '15m',
    series: latencyBuckets('0x20', '0+1.6x20', 'route="/api/auth/register"'),
  },
  // Asking waits for the tutor, whose latency is the AI's objective: the same slowness pages no one.
  {
    alert: 'ApiHighLatency',
    recording: ['brainbytes-http.rules'],
    evalTime: '15m',
    series: latencyBuckets('0x20', '0+60x20', ASK),
  },
  {
    alert: 'ApiHighLatency',
    recording: ['brainbytes-http.rules'],
    evalTime: '15m',
    series: latencyBuckets('0+60x20', '0+60x20'),
  },
  // Two failures of six attempts in the small hours: too few to page (MIN_ANSWERS_TO_ALERT).
  {
    alert: 'AiProviderErrors',
    recording: ['brainbytes-ai.rules'],
    evalTime: '10m',
    series: aiOutcomes('0+0.8x30', 'error', '0+0.4x30'),
  },
  ...(
    [
      ['AiProviderErrors', 'error', 'critical', '10m', 'fails', '20%', '10%', '0+48x30', '0+12x30'],
      ['AiProviderTimeouts', 'timeout', 'warning', '15m', 'times out on', '10%', '5%', '0+54x30', '0+6x30'],
      [
        'AiProviderRateLimited',
        'rate_limited',
        'warning',
        '15m',
        'rate-limits',
        '10%',
        '5%',
        '0+54x30',
        '0+6x30',
      ],
    ] as const
  ).flatMap(([alert, outcome, severity, evalTime, verb, shown, threshold, ok, bad]): AlertCase[] => [
    {
      alert,
      recording: ['brainbytes-ai.rules'],
      evalTime,
      series: aiOutcomes(ok, outcome, bad),
      fires: [
        {
          severity,
          labels: { ...production, provider: 'openai', outcome },
          description: `openai ${verb} ${shown} of answers in production (threshold ${threshold}); students get the offline tutor instead.`,
        },
      ],
    },
    { alert, recording: ['brainbytes-ai.rules'], evalTime, series: aiOutcomes('0+99x30', outcome, '0+1x30') },
  ]),
  {
    alert: 'OfflineTutorInProduction',
    evalTime: '20m',
    series: {
      [`brainbytes_ai_requests_total{${AI},provider="offline",model="offline-curriculum",subject="math",outcome="success"}`]:
        '0+30x30',
    },
    fires: [
      {
        severity: 'warning',
        labels: production,
        description:
          'The AI tutor in production answers 0.50 questions/s from the offline curriculum: it has no OPENAI_API_KEY (or OPENAI_API_KEY_PARAMETER).',
      },
    ],
  },
  {
    alert: 'OfflineTutorInProduction',
    evalTime: '20m',
    series: {
      'brainbytes_ai_requests_total{job="brainbytes-ai",environment="development",platform="local",provider="offline",model="offline-curriculum",subject="math",outcome="success"}':
        '0+30x30',
    },
  },
  {
    alert: 'DbConnectionsNearPoolSize',
    evalTime: '10m',
    series: {
      [`brainbytes_db_connections_active{${API}}`]: '9x20',
      [`brainbytes_db_connections_max{${API}}`]: '10x20',
    },
    fires: [
      {
        severity: 'warning',
        labels: { ...production, job: 'brainbytes-api' },
        description:
          'A brainbytes-api instance in production (the last to report) uses 90% of its own database pool; its requests will start to queue.',
      },
    ],
  },
  {
    alert: 'DbConnectionsNearPoolSize',
    evalTime: '10m',
    series: {
      [`brainbytes_db_connections_active{${API}}`]: '5x20',
      [`brainbytes_db_connections_max{${API}}`]: '10x20',
    },
  },
  {
    alert: 'HerokuDynoCrashed',
    evalTime: '5m',
    series: {
      'heroku_dyno_crashes_total{job="heroku-exporter",app="brainbytes-api",process_type="web"}':
        '0 0 0 1 1 1',
    },
    fires: [
      {
        severity: 'critical',
        labels: { app: 'brainbytes-api', process_type: 'web' },
        description:
          'A web dyno of brainbytes-api crashed (1 in 5 minutes); Heroku restarts it with backoff.',
      },
    ],
  },
  {
    alert: 'HerokuDynoCrashed',
    evalTime: '5m',
    series: {
      'heroku_dyno_crashes_total{job="heroku-exporter",app="brainbytes-api",process_type="web"}': '1x5',
    },
  },
  {
    alert: 'HostMemoryPressure',
    evalTime: '15m',
    series: {
      'node_memory_MemAvailable_bytes{job="node",instance="host:9100"}': '500x20',
      'node_memory_MemTotal_bytes{job="node",instance="host:9100"}': '10000x20',
    },
    fires: [
      {
        severity: 'warning',
        labels: { job: 'node', instance: 'host:9100' },
        description: 'host:9100 has 5% of its memory available.',
      },
    ],
  },
  {
    alert: 'HostMemoryPressure',
    evalTime: '15m',
    series: {
      'node_memory_MemAvailable_bytes{job="node",instance="host:9100"}': '5000x20',
      'node_memory_MemTotal_bytes{job="node",instance="host:9100"}': '10000x20',
    },
  },
  ...(['ext4', 'tmpfs'] as const).map(
    (fstype): AlertCase => ({
      alert: 'HostDiskPressure',
      evalTime: '15m',
      series: {
        [`node_filesystem_avail_bytes{job="node",instance="host:9100",device="/dev/sda1",fstype="${fstype}",mountpoint="/"}`]:
          '50x20',
        [`node_filesystem_size_bytes{job="node",instance="host:9100",device="/dev/sda1",fstype="${fstype}",mountpoint="/"}`]:
          '1000x20',
        [`node_filesystem_readonly{job="node",instance="host:9100",device="/dev/sda1",fstype="${fstype}",mountpoint="/"}`]:
          '0x20',
      },
      ...(fstype === 'ext4'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { job: 'node', instance: 'host:9100', device: '/dev/sda1', fstype, mountpoint: '/' },
                description:
                  '/ on host:9100 has 5% free; Prometheus and the gateway stop writing when it is full.',
              },
            ],
          }
        : {}),
    }),
  ),
];
