import { defineMetric as def, type MetricDefinition } from '@brainbytes/telemetry/metrics';

/** What the apps' dynos and add-ons cost, from the Platform API's formation and the price list. */
export const COST_METRICS = {
  dynoSizeMonthlyPriceDollars: def(
    'heroku_dyno_size_monthly_price_dollars',
    'gauge',
    'Monthly price per dyno size: from /dyno-sizes (source="api"), else Heroku\'s list prices of 2025-06 (source="table").',
    ['size', 'source'],
  ),
  monthlyRunRateDollars: def(
    'heroku_monthly_run_rate_dollars',
    'gauge',
    'What the current formation and add-ons cost per month, by component.',
    ['app', 'component'],
  ),
  unpricedDynoSize: def(
    'heroku_unpriced_dyno_size',
    'gauge',
    'Dyno sizes in a formation with no known price (counted as 0 in the run-rate); 1 each.',
    ['app', 'size'],
  ),
  costAccruedDollarsTotal: def(
    'heroku_cost_accrued_dollars_total',
    'counter',
    'Dollars accrued this UTC month at the run-rate; starts from the month-to-date estimate, and from 0 each new month.',
    ['app'],
  ),
} as const satisfies Record<string, MetricDefinition>;
