import { dashboard, ENV } from '../panel';

export const applicationPerformance = dashboard({
  uid: 'bb-application-performance',
  title: 'BrainBytes — Application Performance',
  description: 'How fast the API, the database and the AI tutor answer, and how much error budget is left.',
  tags: ['performance'],
  rows: [
    {
      title: 'API',
      panels: [
        {
          title: 'API latency by route (p95)',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `job_route:brainbytes_http_request_duration_seconds:p95_5m{job="brainbytes-api",${ENV}}`,
              legend: '{{route}}',
            },
          ],
        },
        {
          title: 'API latency quantiles, all routes',
          type: 'timeseries',
          unit: 's',
          queries: ['0.5', '0.95', '0.99'].map((q) => ({
            expr: `histogram_quantile(${q}, sum by (le) (rate(brainbytes_http_request_duration_seconds_bucket{job="brainbytes-api",${ENV}}[$__rate_interval])))`,
            legend: `p${Number(q) * 100}`,
          })),
        },
        {
          title: 'Requests by route',
          type: 'timeseries',
          unit: 'reqps',
          queries: [
            {
              expr: `job_route:brainbytes_http_requests:rate5m{job="brainbytes-api",${ENV}}`,
              legend: '{{route}}',
            },
          ],
          stack: true,
        },
        {
          title: 'Error budget: slow and failed requests (1 h)',
          type: 'timeseries',
          unit: 'percentunit',
          description: 'Objectives: 99.5% without a 5xx, 99% within 1 s.',
          queries: [
            { expr: `environment:brainbytes_api_errors:ratio_rate1h{${ENV}}`, legend: '5xx {{environment}}' },
            {
              expr: `environment:brainbytes_api_slow_requests:ratio_rate1h{${ENV}}`,
              legend: 'slower than 1 s {{environment}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Database',
      panels: [
        {
          title: 'Query time by operation (p95)',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (operation, le) (rate(brainbytes_db_query_duration_seconds_bucket{${ENV}}[$__rate_interval])))`,
              legend: '{{operation}}',
            },
          ],
        },
        {
          title: 'Connections in use vs pool size',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `max by (environment) (brainbytes_db_connections_active{${ENV}})`,
              legend: 'active {{environment}}',
            },
            {
              expr: `max by (environment) (brainbytes_db_connections_max{${ENV}})`,
              legend: 'pool size {{environment}}',
            },
          ],
        },
      ],
    },
    {
      title: 'AI tutor',
      panels: [
        {
          title: 'Answer time by model (p95)',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `provider_model:brainbytes_ai_request_duration_seconds:p95_5m{${ENV}}`,
              legend: '{{provider}} {{model}}',
            },
          ],
          width: 8,
        },
        {
          title: 'Time to first token (p95)',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `provider_model:brainbytes_ai_time_to_first_token_seconds:p95_5m{${ENV}}`,
              legend: '{{provider}} {{model}}',
            },
          ],
          width: 8,
        },
        {
          title: 'Tokens by type',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (type) (provider_model_type:brainbytes_ai_tokens_used:rate5m{${ENV}})`,
              legend: '{{type}}',
            },
          ],
          stack: true,
          width: 8,
        },
        {
          title: 'Answers slower than 10 s (1 h)',
          type: 'timeseries',
          unit: 'percentunit',
          description: 'Objective: 95% of answers within 10.24 s.',
          queries: [
            {
              expr: `environment:brainbytes_ai_slow_answers:ratio_rate1h{${ENV}}`,
              legend: '{{environment}}',
            },
          ],
          width: 12,
        },
        {
          title: 'Function invocations by cold start',
          type: 'timeseries',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (function, cold_start) (rate(brainbytes_function_invocations_total{${ENV}}[$__rate_interval]))`,
              legend: '{{function}} cold={{cold_start}}',
            },
          ],
          width: 12,
        },
        {
          title: 'Lambda duration vs timeout (CloudWatch)',
          type: 'timeseries',
          unit: 's',
          description:
            'Max and percentiles per CloudWatch period; the dashed line is the configured timeout.',
          queries: [
            {
              expr: 'max by (function, statistic) (brainbytes_lambda_duration_seconds)',
              legend: '{{function}} {{statistic}}',
            },
            { expr: 'max by (function) (brainbytes_lambda_timeout_seconds)', legend: '{{function}} timeout' },
          ],
          width: 12,
        },
        {
          title: 'Lambda concurrency (CloudWatch)',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: 'max by (function) (brainbytes_lambda_concurrent_executions)',
              legend: '{{function}}',
            },
          ],
          width: 12,
        },
      ],
    },
  ],
});
