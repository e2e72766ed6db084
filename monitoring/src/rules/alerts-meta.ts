import type { MonitoringConfig } from '../config';
import type { AlertRule } from './types';

/** Jobs that push on a schedule, and how long a silence means they stopped (3 missed runs). */
export const SCHEDULED_PUSHERS = { 'brainbytes-jobs': 15 } as const;

/** Alerts about the monitoring itself: if these fire, the others may not. */
export const metaAlerts = (config: MonitoringConfig): AlertRule[] => [
  {
    // Grafana down is TargetDown{job="grafana"}; slow is this.
    alert: 'GrafanaSlow',
    expr: 'handler:grafana_http_request_duration_seconds:p95_5m > 3',
    for: '15m',
    severity: 'warning',
    team: 'infrastructure',
    service: 'grafana',
    summary: 'Grafana is slow to open dashboards or run their queries.',
    description:
      'p95 of Grafana’s {{ $labels.handler }} is {{ $value | humanizeDuration }} over 5 minutes (threshold 3 s): dashboards take long to load. Look at Prometheus’s query load and the dyno’s memory.',
  },
  {
    alert: 'Watchdog',
    expr: 'vector(1)',
    severity: 'none',
    team: 'infrastructure',
    service: 'monitoring',
    summary: 'Always firing: proves the alerting pipeline works end to end.',
    description:
      'This alert always fires. The dead man’s switch (WATCHDOG_URL) pages when it stops arriving: then Prometheus or Alertmanager is down.',
  },
  ...Object.entries(SCHEDULED_PUSHERS)
    .filter(([job]) => config.scheduledJobs.includes(job))
    .map(
      ([job, minutes]): AlertRule => ({
        alert: 'JobNotPushing',
        // The second half keeps firing once the job's delta group has expired from the gateway and
        // push_time_seconds is gone: silence is no all-clear in the environment this Prometheus watches.
        expr: `time() - max by (job, environment, platform) (push_time_seconds{job="${job}"}) > ${minutes * 60}
or
absent_over_time(push_time_seconds{job="${job}",environment="${config.environment}"}[${minutes}m])`,
        for: '5m',
        severity: 'warning',
        team: 'engineering',
        service: 'jobs',
        summary: 'A scheduled job has stopped pushing metrics.',
        description: `{{ $labels.job }} in {{ $labels.environment }} has not pushed for more than ${minutes} minutes; it should push every 5 minutes. Business and spend numbers are going stale.`,
      }),
    ),
  {
    alert: 'ScrapesFailingIntermittently',
    expr: 'avg_over_time(up[15m]) < 0.9 and avg_over_time(up[15m]) > 0',
    for: '15m',
    severity: 'warning',
    team: 'infrastructure',
    service: '{{ $labels.job }}',
    summary: 'Scrapes of a target keep failing.',
    description:
      'Only {{ $value | humanizePercentage }} of scrapes of {{ $labels.job }} at {{ $labels.instance }} succeeded in 15 minutes: its graphs have gaps.',
  },
  {
    alert: 'PrometheusRuleEvaluationFailures',
    expr: 'sum by (rule_group) (increase(prometheus_rule_evaluation_failures_total[5m])) > 0',
    severity: 'critical',
    team: 'infrastructure',
    service: 'prometheus',
    summary: 'Prometheus fails to evaluate rules.',
    description:
      '{{ $value | humanize }} evaluations of {{ $labels.rule_group }} failed in 5 minutes: recorded series and alerts from it are missing.',
  },
  {
    alert: 'AlertmanagerNotificationsFailing',
    expr: 'sum by (integration) (rate(alertmanager_notifications_failed_total[5m])) > 0',
    for: '5m',
    severity: 'critical',
    team: 'infrastructure',
    service: 'alertmanager',
    summary: 'Alertmanager cannot deliver notifications.',
    description:
      'Alertmanager fails to send to {{ $labels.integration }} ({{ printf "%.2f" $value }} failures/s): check the SMTP smarthost or the Slack webhook.',
  },
  {
    alert: 'PrometheusNotConnectedToAlertmanager',
    expr: 'max_over_time(prometheus_notifications_alertmanagers_discovered[5m]) < 1',
    for: '5m',
    severity: 'critical',
    team: 'infrastructure',
    service: 'prometheus',
    summary: 'Prometheus has no Alertmanager to send alerts to.',
    description: 'Prometheus discovered no Alertmanager for 5 minutes: every alert is going nowhere.',
  },
];
