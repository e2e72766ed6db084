import { budgetGauge, dashboard, ENV } from '../panel';
import { lambdaRow } from './lambda-row';

const DAY = 86400;

export const resourceOptimization = dashboard({
  uid: 'bb-resource-optimization',
  title: 'BrainBytes — Resource Optimization',
  description: 'What BrainBytes costs, where the money goes, and what the dynos, functions and host use.',
  tags: ['cost'],
  rows: [
    {
      title: 'Budget',
      panels: [
        {
          title: 'Spent this month',
          type: 'stat',
          unit: 'currencyUSD',
          queries: [{ expr: 'brainbytes:spend_dollars:month_to_date' }],
        },
        {
          title: 'Forecast to month end',
          type: 'stat',
          unit: 'currencyUSD',
          queries: [{ expr: 'brainbytes:spend_dollars:forecast_month_end' }],
        },
        {
          title: 'Monthly budget',
          type: 'stat',
          unit: 'currencyUSD',
          queries: [{ expr: 'brainbytes:budget_dollars:monthly' }],
        },
        budgetGauge('Budget used'),
        {
          title: 'Cost per question (1 day)',
          type: 'stat',
          unit: 'currencyUSD',
          queries: [{ expr: 'brainbytes:cost_per_question_dollars:rate1d' }],
        },
        {
          title: 'Cost per active student (month)',
          type: 'stat',
          unit: 'currencyUSD',
          queries: [{ expr: 'brainbytes:cost_per_active_student_dollars:month_to_date' }],
        },
      ],
    },
    {
      title: 'Spend by provider',
      panels: [
        {
          title: 'Spend rate by provider (per day)',
          type: 'timeseries',
          unit: 'currencyUSD',
          queries: [{ expr: `provider:brainbytes_spend_dollars:rate1h * ${DAY}`, legend: '{{provider}}' }],
          stack: true,
          width: 8,
        },
        {
          title: 'Spent this month by provider',
          type: 'bargauge',
          unit: 'currencyUSD',
          queries: [{ expr: 'provider:brainbytes_spend_dollars:month_to_date', legend: '{{provider}}' }],
          width: 8,
        },
        {
          title: 'Forecast to month end by provider',
          type: 'bargauge',
          unit: 'currencyUSD',
          queries: [{ expr: 'provider:brainbytes_spend_dollars:forecast_month_end', legend: '{{provider}}' }],
          width: 8,
        },
        {
          title: 'AI cost by model (per day)',
          type: 'timeseries',
          unit: 'currencyUSD',
          queries: [
            {
              expr: `sum by (provider, model) (provider_model:brainbytes_ai_cost_dollars:rate1h) * ${DAY}`,
              legend: '{{provider}} {{model}}',
            },
          ],
        },
        {
          title: 'Heroku run-rate by component (per month)',
          type: 'bargauge',
          unit: 'currencyUSD',
          queries: [
            { expr: 'sum by (component) (heroku_monthly_run_rate_dollars)', legend: '{{component}}' },
          ],
        },
      ],
    },
    lambdaRow,
    {
      title: 'Usage',
      panels: [
        {
          title: 'AI tokens by model',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (model, type) (provider_model_type:brainbytes_ai_tokens_used:rate5m{${ENV}})`,
              legend: '{{model}} {{type}}',
            },
          ],
          width: 8,
        },
        {
          title: 'Lambda GB-seconds',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (function) (rate(brainbytes_function_gb_seconds_total{${ENV}}[$__rate_interval]))`,
              legend: '{{function}}',
            },
          ],
          width: 8,
        },
        {
          title: 'Dyno memory (RSS)',
          type: 'timeseries',
          unit: 'bytes',
          queries: [
            {
              expr: 'max by (app, source) (heroku_dyno_memory_bytes{kind="rss"})',
              legend: '{{app}} {{source}}',
            },
            // R14 fires above the quota: the line the RSS must stay under.
            {
              expr: 'max by (app) (heroku_dyno_memory_bytes{kind="quota"})',
              legend: '{{app}} quota (R14 above)',
            },
          ],
          width: 8,
        },
        {
          title: 'Dyno load (1 m)',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: 'max by (app, source) (heroku_dyno_load_average{window="1m"})',
              legend: '{{app}} {{source}}',
            },
          ],
          width: 8,
        },
        {
          title: 'Host memory available',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [
            { expr: 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', legend: '{{instance}}' },
          ],
          width: 8,
        },
        {
          title: 'Host CPU busy',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [
            {
              expr: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))',
              legend: '{{instance}}',
            },
          ],
          width: 8,
        },
        {
          title: 'Host disk I/O',
          type: 'timeseries',
          unit: 'Bps',
          queries: [
            {
              expr: 'sum by (instance) (rate(node_disk_read_bytes_total[$__rate_interval]))',
              legend: '{{instance}} read',
            },
            {
              expr: 'sum by (instance) (rate(node_disk_written_bytes_total[$__rate_interval]))',
              legend: '{{instance}} written',
            },
          ],
          width: 8,
        },
        {
          title: 'Host network',
          type: 'timeseries',
          unit: 'Bps',
          queries: [
            {
              expr: 'sum by (instance) (rate(node_network_receive_bytes_total{device!="lo"}[$__rate_interval]))',
              legend: '{{instance}} in',
            },
            {
              expr: 'sum by (instance) (rate(node_network_transmit_bytes_total{device!="lo"}[$__rate_interval]))',
              legend: '{{instance}} out',
            },
          ],
          width: 8,
        },
        {
          title: 'Host disk free',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [
            {
              expr: 'min by (instance, mountpoint) (node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes)',
              legend: '{{instance}} {{mountpoint}}',
            },
          ],
          width: 8,
        },
        {
          title: 'Postgres connections',
          type: 'timeseries',
          unit: 'short',
          queries: [{ expr: 'sum by (app) (heroku_postgres_connections)', legend: '{{app}} connections' }],
          width: 12,
        },
        {
          title: 'Postgres database size',
          type: 'timeseries',
          unit: 'bytes',
          queries: [{ expr: 'max by (app) (heroku_postgres_db_size_bytes)', legend: '{{app}}' }],
          width: 12,
        },
      ],
    },
  ],
});
