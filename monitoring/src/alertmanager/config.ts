import { type MonitoringConfig, TEAMS, type Team } from '../config';

export const BUSINESS_HOURS = 'manila-business-hours';

/** Which targets' outages explain which services' alerts (a dead gateway starves everything pushed). */
export const SYMPTOMS_OF_TARGET: Record<string, string[]> = {
  pushgateway: ['api', 'ai', 'jobs', 'web', 'budget'],
  'heroku-exporter': ['heroku'],
  node: ['host'],
};

export const receiverNames = {
  fallback: 'default',
  watchdog: 'watchdog',
  budget: 'budget-owner',
  escalation: 'escalation',
  critical: (team: Team) => `${team}-critical`,
  slack: (team: Team) => `${team}-slack`,
};

/** How long a critical may fire before the lead hears of it. */
export const ESCALATE_AFTER = '30m';

function email(to: string, template: 'brainbytes' | 'budget') {
  return {
    to,
    send_resolved: true,
    headers: { Subject: `{{ template "email.${template}.subject" . }}` },
    html: `{{ template "email.${template}.html" . }}`,
    text: `{{ template "email.${template}.text" . }}`,
  };
}

function slack(config: MonitoringConfig, team: Team) {
  // Without a webhook (SLACK_WEBHOOK_URL_FILE) there is nothing to post to; email still works.
  if (!config.alerting.slackWebhookUrlFile) return {};
  return {
    slack_configs: [
      {
        channel: config.alerting.slackChannels[team],
        send_resolved: true,
        title: '{{ template "slack.brainbytes.title" . }}',
        title_link: '{{ template "slack.brainbytes.titlelink" . }}',
        text: '{{ template "slack.brainbytes.text" . }}',
        color:
          '{{ if eq .Status "firing" }}{{ if eq .CommonLabels.severity "critical" }}danger{{ else }}warning{{ end }}{{ else }}good{{ end }}',
      },
    ],
  };
}

function receivers(config: MonitoringConfig) {
  const { alerting } = config;
  return [
    {
      name: receiverNames.fallback,
      ...slack(config, 'engineering'),
      email_configs: [email(alerting.teamEmails.engineering, 'brainbytes')],
    },
    {
      name: receiverNames.watchdog,
      ...(alerting.watchdogUrl
        ? { webhook_configs: [{ url: alerting.watchdogUrl, send_resolved: false }] }
        : {}),
    },
    { name: receiverNames.budget, email_configs: [email(alerting.budgetEmail, 'budget')] },
    { name: receiverNames.escalation, email_configs: [email(alerting.escalationEmail, 'brainbytes')] },
    ...TEAMS.flatMap((team) => [
      {
        name: receiverNames.critical(team),
        ...slack(config, team),
        email_configs: [email(alerting.teamEmails[team], 'brainbytes')],
      },
      { name: receiverNames.slack(team), ...slack(config, team) },
    ]),
  ];
}

/**
 * The routing tree. Order matters: the first matching sibling wins unless it has `continue`.
 * A route outside its active time interval still matches and swallows the alert, which is what
 * holds a night-time warning until the next business morning: the group stays pending and is
 * sent on the first flush inside business hours, if the alert still fires.
 */
function route(config: MonitoringConfig) {
  const { groupWait, groupInterval } = config.alerting;
  return {
    receiver: receiverNames.fallback,
    group_by: ['alertname', 'service', 'team'],
    group_wait: groupWait,
    group_interval: groupInterval,
    repeat_interval: '4h',
    routes: [
      {
        receiver: receiverNames.watchdog,
        matchers: ['alertname="Watchdog"'],
        group_wait: '0s',
        group_interval: '1m',
        repeat_interval: '1m',
      },
      // Budget alerts: the owner's inbox, any hour, once a day while they last.
      {
        receiver: receiverNames.budget,
        matchers: ['category="budget"'],
        repeat_interval: '24h',
      },
      // A critical still firing after ESCALATE_AFTER: an alert resolved sooner never reaches the lead.
      {
        receiver: receiverNames.escalation,
        matchers: ['severity="critical"'],
        group_wait: ESCALATE_AFTER,
        continue: true,
      },
      ...TEAMS.map((team) => ({
        receiver: receiverNames.slack(team),
        matchers: [`team="${team}"`],
        routes: [
          { receiver: receiverNames.critical(team), matchers: ['severity="critical"'] },
          {
            receiver: receiverNames.slack(team),
            matchers: ['severity=~"warning|info"'],
            active_time_intervals: [BUSINESS_HOURS],
          },
        ],
      })),
    ],
  };
}

function inhibitRules() {
  return [
    // A critical silences the warning of the same alert.
    {
      source_matchers: ['severity="critical"'],
      target_matchers: ['severity=~"warning|info"'],
      equal: ['alertname', 'environment', 'service'],
    },
    // A target that is down explains the silence or errors of what depends on it.
    ...Object.entries(SYMPTOMS_OF_TARGET).map(([job, services]) => ({
      source_matchers: ['alertname="TargetDown"', `job="${job}"`],
      target_matchers: [`service=~"${services.join('|')}"`, 'alertname!="TargetDown"'],
    })),
    // The highest budget threshold reached is the one worth reading.
    {
      source_matchers: ['alertname="MonthlyBudgetExceeded"'],
      target_matchers: ['alertname=~"MonthlyBudgetMostlySpent|MonthlyBudgetHalfSpent"'],
    },
    {
      source_matchers: ['alertname="MonthlyBudgetMostlySpent"'],
      target_matchers: ['alertname="MonthlyBudgetHalfSpent"'],
    },
  ];
}

/** alertmanager.yml. Secrets are file paths (`*_file`), never values. */
export function alertmanagerConfig(config: MonitoringConfig) {
  const { alerting } = config;
  return {
    global: {
      smtp_from: alerting.from,
      smtp_smarthost: alerting.smarthost,
      smtp_require_tls: alerting.smtpRequireTls,
      ...(alerting.smtpUsername ? { smtp_auth_username: alerting.smtpUsername } : {}),
      ...(alerting.smtpPasswordFile ? { smtp_auth_password_file: alerting.smtpPasswordFile } : {}),
      ...(alerting.slackWebhookUrlFile ? { slack_api_url_file: alerting.slackWebhookUrlFile } : {}),
      resolve_timeout: '5m',
    },
    templates: ['templates/*.tmpl'],
    time_intervals: [
      {
        name: BUSINESS_HOURS,
        time_intervals: [
          {
            weekdays: ['monday:friday'],
            times: [{ start_time: '08:00', end_time: '18:00' }],
            location: 'Asia/Manila',
          },
        ],
      },
    ],
    route: route(config),
    inhibit_rules: inhibitRules(),
    receivers: receivers(config),
  };
}
