import { dashboard, ENV } from '../panel';

export const errorAnalysis = dashboard({
  uid: 'bb-error-analysis',
  title: 'BrainBytes — Error Analysis',
  description: 'Where requests fail: API status codes, AI provider outcomes, the browser, Heroku.',
  tags: ['errors'],
  rows: [
    {
      title: 'API',
      panels: [
        {
          title: '5xx ratio by route',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [
            { expr: `job_route:brainbytes_http_errors:ratio_rate5m{${ENV}}`, legend: '{{job}} {{route}}' },
          ],
        },
        {
          title: 'Responses by status code',
          type: 'timeseries',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (status_code) (rate(brainbytes_http_requests_total{${ENV}}[$__rate_interval]))`,
              legend: '{{status_code}}',
            },
          ],
          stack: true,
        },
        {
          title: 'Requests abandoned by the client',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [
            {
              expr: `environment:brainbytes_http_requests_aborted:ratio_rate15m{${ENV}}`,
              legend: '{{environment}}',
            },
          ],
        },
        {
          title: 'Failed sign-ins and sign-ups',
          type: 'timeseries',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (event, outcome) (rate(brainbytes_auth_events_total{outcome!="success",${ENV}}[$__rate_interval]))`,
              legend: '{{event}} {{outcome}}',
            },
          ],
        },
        {
          title: 'Requests refused by rate limits (abuse, or limits set too low)',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (limit) (increase(brainbytes_api_rate_limited_total{${ENV}}[$__rate_interval]))`,
              legend: '{{limit}}',
            },
          ],
          stack: true,
        },
      ],
    },
    {
      title: 'AI tutor',
      panels: [
        {
          title: 'Outcomes by provider',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [
            {
              expr: `provider_outcome:brainbytes_ai_requests:ratio_rate5m{${ENV}}`,
              legend: '{{provider}} {{outcome}}',
            },
          ],
        },
        {
          title: 'Answers from the offline fallback',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [
            {
              expr: `environment:brainbytes_ai_fallback_answers:ratio_rate5m{${ENV}}`,
              legend: '{{environment}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Browser',
      panels: [
        {
          title: 'Errors in the browser',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (kind, page) (increase(brainbytes_web_errors_total{${ENV}}[$__rate_interval]))`,
              legend: '{{kind}} {{page}}',
            },
          ],
        },
        {
          title: 'Connection events',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (event) (increase(brainbytes_web_connection_events_total{${ENV}}[$__rate_interval]))`,
              legend: '{{event}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Heroku and the pipeline',
      panels: [
        {
          title: 'Router errors by code',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: 'sum by (app, code) (increase(heroku_router_errors_total[$__rate_interval]))',
              legend: '{{app}} {{code}}',
            },
          ],
          width: 8,
        },
        {
          title: 'Dyno errors and crashes',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: 'sum by (app, code) (increase(heroku_dyno_errors_total[$__rate_interval]))',
              legend: '{{app}} {{code}}',
            },
            {
              expr: 'sum by (app) (increase(heroku_dyno_crashes_total[$__rate_interval]))',
              legend: '{{app}} crashed',
            },
          ],
          width: 8,
        },
        {
          title: 'Metric pushes refused or dropped',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: 'sum by (outcome) (increase(pushgateway_pushes_total{outcome!="accepted"}[$__rate_interval]))',
              legend: 'gateway {{outcome}}',
            },
            {
              expr: 'sum by (reason) (increase(pushgateway_push_refusals_total[$__rate_interval]))',
              legend: 'gateway refused: {{reason}}',
            },
            {
              expr: 'sum by (reason) (increase(brainbytes_push_client_dropped_samples_total[$__rate_interval]))',
              legend: 'client {{reason}}',
            },
          ],
          width: 8,
        },
        {
          title: 'Lambda errors and throttles (CloudWatch)',
          type: 'timeseries',
          unit: 'short',
          description:
            'Per CloudWatch period, from the exporter (LAMBDA_FUNCTIONS): includes the invocations that timed out or failed to start, which push nothing.',
          queries: [
            { expr: 'sum by (function) (brainbytes_lambda_errors)', legend: '{{function}} errors' },
            { expr: 'sum by (function) (brainbytes_lambda_throttles)', legend: '{{function}} throttled' },
          ],
          width: 12,
        },
        {
          title: 'Lambda error ratio (CloudWatch)',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [
            {
              expr: 'sum by (function) (brainbytes_lambda_errors) / sum by (function) (brainbytes_lambda_invocations > 0)',
              legend: '{{function}}',
            },
          ],
          width: 12,
        },
      ],
    },
  ],
});
