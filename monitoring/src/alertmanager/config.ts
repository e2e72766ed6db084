import { type MonitoringConfig, TEAMS, type Team } from '../config';
import { alertmanagerInterval } from '../manila-hours';
import { allAlerts } from '../rules';

export const BUSINESS_HOURS = 'manila-business-hours';

/** Which targets' outages explain which services' alerts (a dead gateway starves everything pushed). */
export const SYMPTOMS_OF_TARGET: Record<string, string[]> = {
  pushgateway: ['api', 'ai', 'jobs', 'web', 'budget'],
  'heroku-exporter': ['heroku', 'lambda'],
  node: ['host'],
  postgres: ['database'],
  redis: ['redis'],
  grafana: ['grafana'],
};

export const receiverNames = {
  fallback: 'default',
  watchdog: 'watchdog',
  budget: 'budget-owner',
  statement: 'budget-statement',
  escalation: 'escalation',
  critical: (team: Team) => `${team}-critical`,
  /** Warnings and info: the team's Slack when there is one, else its email. */
  warnings: (team: Team) => `${team}-warnings`,
};

/** The only environment that pages after hours and escalates; criticals elsewhere wait for business hours. */
export const PAGING_ENVIRONMENT = 'production';
/** Alerts that must reach their team whenever they fire, not only in business hours. */
export const ANY_HOUR_ALERTS = ['TrafficMissingInManilaPeakHours'];

function email(to: string, template: 'brainbytes' | 'budget' | 'statement') {
  return {
    to,
    // A statement is a letter, not a condition: nothing to resolve.
    send_resolved: template !== 'statement',
    headers: { Subject: `{{ template "email.${template}.subject" . }}` },
    html: `{{ template "email.${template}.html" . }}`,
    text: `{{ template "email.${template}.text" . }}`,
  };
}

function slack(config: MonitoringConfig, team: Team) {
  // Without a webhook (SLACK_WEBHOOK_URL_FILE) there is nothing to post to; email still works.
  if (!config.alerting.slackWebhookUrlFile) return {};
  return { slack_configs: slackConfigs(config, team) };
}

/** The team's own integration (ALERT_WEBHOOK_URL_<TEAM>), beside Slack and email. */
function webhook(config: MonitoringConfig, team: Team) {
  const hook = config.alerting.webhooks[team];
  if (!hook) return {};
  return {
    webhook_configs: [
      {
        url: hook.url,
        send_resolved: true,
        max_alerts: config.alerting.webhookMaxAlerts,
        ...(hook.tokenFile
          ? { http_config: { authorization: { type: 'Bearer', credentials_file: hook.tokenFile } } }
          : {}),
      },
    ],
  };
}

function slackConfigs(config: MonitoringConfig, team: Team) {
  return [
    {
      channel: config.alerting.slackChannels[team],
      send_resolved: true,
      title: '{{ template "slack.brainbytes.title" . }}',
      title_link: '{{ template "slack.brainbytes.titlelink" . }}',
      text: '{{ template "slack.brainbytes.text" . }}',
      color:
        '{{ if eq .Status "firing" }}{{ if eq .CommonLabels.severity "critical" }}danger{{ else }}warning{{ end }}{{ else }}good{{ end }}',
    },
  ];
}

type Receiver = { name: string } & Record<string, unknown>;

/**
 * A receiver with no integration drops every alert routed to it, silently: Alertmanager cannot
 * even report it as a failed notification. The renderer refuses to write one.
 */
export function requireIntegrations(receivers: Receiver[]): Receiver[] {
  for (const receiver of receivers) {
    const integrations = Object.entries(receiver).filter(
      ([key, value]) => key.endsWith('_configs') && Array.isArray(value) && value.length > 0,
    );
    if (integrations.length === 0)
      throw new Error(`receiver "${receiver.name}" has no integration: its alerts would reach no one`);
  }
  return receivers;
}

function receivers(config: MonitoringConfig): Receiver[] {
  const { alerting } = config;
  const teamEmail = (team: Team) => ({ email_configs: [email(alerting.teamEmails[team], 'brainbytes')] });
  return requireIntegrations([
    {
      name: receiverNames.fallback,
      ...slack(config, 'engineering'),
      ...teamEmail('engineering'),
      ...webhook(config, 'engineering'),
    },
    {
      name: receiverNames.watchdog,
      // Without a dead man's switch, infrastructure gets the heartbeat by email once a day.
      ...(alerting.watchdogUrlFile
        ? { webhook_configs: [{ url_file: alerting.watchdogUrlFile, send_resolved: false }] }
        : alerting.watchdogUrl
          ? { webhook_configs: [{ url: alerting.watchdogUrl, send_resolved: false }] }
          : teamEmail('infrastructure')),
    },
    { name: receiverNames.budget, email_configs: [email(alerting.budgetEmail, 'budget')] },
    { name: receiverNames.statement, email_configs: [email(alerting.budgetEmail, 'statement')] },
    { name: receiverNames.escalation, email_configs: [email(alerting.escalationEmail, 'brainbytes')] },
    ...TEAMS.flatMap((team) => [
      {
        name: receiverNames.critical(team),
        ...slack(config, team),
        ...teamEmail(team),
        ...webhook(config, team),
      },
      // A team without Slack gets its warnings by email (business hours, as on Slack).
      {
        name: receiverNames.warnings(team),
        ...(alerting.slackWebhookUrlFile ? slack(config, team) : teamEmail(team)),
        ...webhook(config, team),
      },
    ]),
  ]);
}

/**
 * The routing tree. Order matters: the first matching sibling wins unless it has `continue`.
 * A route outside its active time interval still matches and swallows the alert, which is what
 * holds a night-time warning until the next business morning: the group stays pending and is
 * sent on the first flush inside business hours, if the alert still fires.
 */
function route(config: MonitoringConfig) {
  const { groupWait, groupInterval, escalateAfter, watchdogUrl } = config.alerting;
  return {
    receiver: receiverNames.fallback,
    // With environment: a staging alert never opens the group a production one then joins late.
    // By severity too (the design's three: service, team, severity): a critical never waits in,
    // or hides behind, a warning's group.
    group_by: ['alertname', 'environment', 'service', 'team', 'severity'],
    group_wait: groupWait,
    group_interval: groupInterval,
    repeat_interval: '4h',
    routes: [
      {
        receiver: receiverNames.watchdog,
        matchers: ['alertname="Watchdog"'],
        group_wait: '0s',
        group_interval: '1m',
        repeat_interval: watchdogUrl ? '1m' : '24h',
      },
      // The monthly statement the job posts on the 1st: the owner's inbox, once per month label.
      {
        receiver: receiverNames.statement,
        matchers: ['alertname="MonthlyStatement"'],
        group_by: ['alertname', 'month'],
        group_wait: '0s',
        repeat_interval: '8760h',
      },
      // Budget alerts: the owner's inbox, any hour, once a day while they last.
      {
        receiver: receiverNames.budget,
        matchers: ['category="budget"'],
        repeat_interval: '24h',
      },
      // A production critical still firing after ALERTMANAGER_ESCALATE_AFTER: one resolved sooner
      // never reaches the lead; one that fires again starts a new group and a new wait.
      {
        receiver: receiverNames.escalation,
        matchers: ['severity="critical"', `environment="${PAGING_ENVIRONMENT}"`],
        group_wait: escalateAfter,
        continue: true,
      },
      // Alerts bound to hours outside business hours (the evening study peak): their team, any hour.
      ...ANY_HOUR_ALERTS.map((alertname) => ({
        receiver: receiverNames.critical(teamOf(config, alertname)),
        matchers: [`alertname="${alertname}"`],
      })),
      ...TEAMS.map((team) => ({
        receiver: receiverNames.warnings(team),
        matchers: [`team="${team}"`],
        routes: [
          {
            receiver: receiverNames.critical(team),
            matchers: ['severity="critical"', `environment="${PAGING_ENVIRONMENT}"`],
          },
          // Staging and development criticals wake nobody: they wait for business hours.
          {
            receiver: receiverNames.critical(team),
            matchers: ['severity="critical"'],
            active_time_intervals: [BUSINESS_HOURS],
          },
          {
            receiver: receiverNames.warnings(team),
            matchers: ['severity=~"warning|info"'],
            active_time_intervals: [BUSINESS_HOURS],
          },
        ],
      })),
    ],
  };
}

/** The team an alert rule names (the any-hour routes send to it). */
function teamOf(config: MonitoringConfig, alertname: string): Team {
  const rule = allAlerts(config).find((r) => r.alert === alertname);
  if (!rule) throw new Error(`no alert rule named ${alertname}`);
  return rule.team;
}

function inhibitRules() {
  return [
    // A critical silences the warning of the same alert.
    {
      source_matchers: ['severity="critical"'],
      target_matchers: ['severity=~"warning|info"'],
      equal: ['alertname', 'environment', 'service'],
    },
    // One API incident, one page: the error-budget burn says it; the per-route ratio is on the dashboard.
    {
      source_matchers: ['alertname="ApiErrorBudgetBurn"', 'severity="critical"'],
      target_matchers: ['alertname="ApiHighErrorRatio"'],
      equal: ['environment'],
    },
    // A target that is down explains the silence or errors of what depends on it.
    ...Object.entries(SYMPTOMS_OF_TARGET).map(([job, services]) => ({
      source_matchers: ['alertname="TargetDown"', `job="${job}"`],
      target_matchers: [`service=~"${services.join('|')}"`, 'alertname!="TargetDown"'],
    })),
    // The highest budget threshold reached is the one worth reading; over budget, a forecast of
    // going over only repeats it (the budget email carries the forecast anyway).
    {
      source_matchers: ['alertname="MonthlyBudgetExceeded"'],
      target_matchers: [
        'alertname=~"MonthlyBudgetMostlySpent|MonthlyBudgetHalfSpent|MonthlySpendForecastOverBudget"',
      ],
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
        time_intervals: [alertmanagerInterval(alerting.businessHours)],
      },
    ],
    route: route(config),
    inhibit_rules: inhibitRules(),
    receivers: receivers(config),
  };
}
