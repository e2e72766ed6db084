import { dashboard, ENV } from '../panel';

export const userExperience = dashboard({
  uid: 'bb-user-experience',
  title: 'BrainBytes — User Experience',
  description:
    'What students feel: phones vs computers, 4G vs 3G, page speed, data used, and when they study (Manila time).',
  tags: ['rum'],
  rows: [
    {
      title: 'Who is using BrainBytes',
      panels: [
        {
          title: 'Mobile vs desktop (API requests)',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [
            { expr: `client_type:brainbytes_http_requests:share_rate5m{${ENV}}`, legend: '{{client_type}}' },
          ],
          stack: true,
          width: 8,
        },
        {
          title: 'Page views by connection',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (connection) (increase(brainbytes_web_page_views_total{${ENV}}[$__rate_interval]))`,
              legend: '{{connection}}',
            },
          ],
          stack: true,
          width: 8,
        },
        {
          title: 'Questions by hour of day (Manila, last 7 days)',
          type: 'bargauge',
          unit: 'reqps',
          description: 'Average questions per second in each Manila hour over the last week.',
          queries: [
            {
              expr: `sum by (manila_hour) (avg_over_time(manila_hour:brainbytes_questions:rate5m{${ENV}}[7d]))`,
              legend: '{{manila_hour}}:00',
              instant: true,
            },
          ],
          width: 8,
        },
      ],
    },
    {
      title: 'Page speed (p75)',
      panels: [
        {
          title: 'Largest Contentful Paint by connection',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `connection_metric:brainbytes_web_vitals_seconds:p75_1h{metric="LCP",${ENV}}`,
              legend: '{{connection}}',
            },
          ],
          thresholds: [
            [2.5, 'orange'],
            [4, 'red'],
          ],
        },
        {
          title: 'FCP, TTFB and INP',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.75, sum by (metric, le) (rate(brainbytes_web_vitals_seconds_bucket{metric!="LCP",${ENV}}[$__rate_interval])))`,
              legend: '{{metric}}',
            },
          ],
        },
        {
          title: 'Cumulative Layout Shift by client',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `histogram_quantile(0.75, sum by (client_type, le) (rate(brainbytes_web_cls_bucket{${ENV}}[$__rate_interval])))`,
              legend: '{{client_type}}',
            },
          ],
          thresholds: [
            [0.1, 'orange'],
            [0.25, 'red'],
          ],
        },
        {
          title: 'Student actions',
          type: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (action) (increase(brainbytes_web_user_actions_total{${ENV}}[$__rate_interval]))`,
              legend: '{{action}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Data used (prepaid load)',
      panels: [
        {
          title: 'Data per answer by client',
          type: 'timeseries',
          unit: 'bytes',
          queries: [
            {
              expr: `client_type:brainbytes_answer_response_bytes:avg_rate1h{${ENV}}`,
              legend: '{{client_type}}',
            },
          ],
          thresholds: [[8192, 'red']],
        },
        {
          title: 'Page load transfer by connection',
          type: 'timeseries',
          unit: 'bytes',
          queries: [
            {
              expr: `connection:brainbytes_web_page_transfer_bytes:avg_rate1h{${ENV}}`,
              legend: '{{connection}}',
            },
          ],
        },
        {
          title: 'Questions by subject (last 30 days)',
          type: 'bargauge',
          unit: 'short',
          queries: [
            {
              expr: `sum by (subject) (brainbytes_questions_last_30d{${ENV}})`,
              legend: '{{subject}}',
              instant: true,
            },
          ],
          width: 12,
        },
        {
          title: 'Questions per study session (7 days)',
          type: 'stat',
          unit: 'short',
          queries: [{ expr: `avg(brainbytes_questions_per_session{${ENV}})` }],
          width: 6,
        },
        {
          title: 'Open study sessions',
          type: 'stat',
          unit: 'short',
          queries: [{ expr: `sum(brainbytes_study_sessions_open{${ENV}})` }],
          width: 6,
        },
      ],
    },
  ],
});
