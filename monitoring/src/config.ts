import { ConfigError } from '@brainbytes/telemetry/service/config-error';
import { loadProbeConfig, type ProbeConfig } from './blackbox';
import { type LambdaMonitoring, loadLambdaMonitoring } from './lambda-settings';
import { type ManilaHours, parseManilaHours } from './manila-hours';
import { duration, email, httpUrl, target } from './settings';

export const TEAMS = ['infrastructure', 'product', 'engineering', 'ai'] as const;
export type Team = (typeof TEAMS)[number];

/** Where Prometheus scrapes one component, and the basic-auth it needs (password from a file). */
export interface ScrapeTarget {
  scheme: 'http' | 'https';
  address: string;
  username?: string;
  passwordFile?: string;
}

export interface MonitoringConfig {
  environment: string;
  cluster: string;
  scrapeInterval: string;
  evaluationInterval: string;
  /** The spend rules integrate a month; once a minute is plenty. */
  spendEvaluationInterval: string;
  /** Demos and end-to-end tests only: every alert's `for` becomes this (PROMETHEUS_ALERT_FOR). */
  alertForOverride?: string;
  /** Passed to `prometheus --storage.tsdb.retention.time` by whatever starts it. */
  retention: string;
  /**
   * What Prometheus scrapes: itself, and each other target only where its `<X>_TARGET` is set. A
   * job rendered for something that does not run there (no node exporter on a dyno) would keep
   * TargetDown firing for ever.
   */
  targets: {
    prometheus: ScrapeTarget;
    pushgateway?: ScrapeTarget;
    herokuExporter?: ScrapeTarget;
    nodeExporter?: ScrapeTarget;
    alertmanager?: ScrapeTarget;
    /** cAdvisor, where Docker runs the stack (docker-compose.yml). */
    cadvisor?: ScrapeTarget;
    /** postgres_exporter beside the API's database: connections as PostgreSQL counts them. */
    postgresExporter?: ScrapeTarget;
    /** redis_exporter beside the gateway's Redis: its memory against the plan's limit. */
    redisExporter?: ScrapeTarget;
    /** GRAFANA_TARGET: Grafana's own /metrics (dashboard and query latency). */
    grafana?: ScrapeTarget;
  };
  remoteWrite?: { url: string; username: string; passwordFile: string };
  /**
   * Where the rules run (MONITORING_RULES_AT): `local`, this Prometheus, whose recorded series and
   * alerts reach Grafana Cloud by remote_write (upload no rules there); or `hosted`, Grafana Cloud's
   * ruler, when this Prometheus only forwards (it then loads no rules). Never both: the same rules
   * in two places double every spend series and break the month-to-date lookups.
   */
  rulesAt: 'local' | 'hosted';
  /** MONITORING_WEB_USER + MONITORING_WEB_PASSWORD_FILE: basic auth in front of Prometheus and Alertmanager (web.yml). */
  webAuth?: { user: string; passwordFile: string };
  monthlyBudgetDollars: number;
  /** Black-box probes of the public entries (blackbox.ts): BLACKBOX_EXPORTER_TARGET and the <X>_PUBLIC_URLs. */
  probes: ProbeConfig;
  /** Lambda's prices, the free tier this stack counts, the cold-start threshold (lambda-settings.ts). */
  lambda: LambdaMonitoring;
  /**
   * Jobs that push on their own schedule here (MONITORING_SCHEDULED_JOBS): JobNotPushing watches
   * them, absence included. On Lambda the business-metrics job is `brainbytes-jobs`; where the API
   * runs it in-process (npm start, a Heroku dyno) there is none, and an alert would never clear.
   */
  scheduledJobs: string[];
  /** When students study (MANILA_STUDY_HOURS): a production without questions then is broken. */
  studyHours: ManilaHours;
  /** How long without a question in study hours means broken (TRAFFIC_MISSING_AFTER, a range). */
  trafficMissingAfter: string;
  runbookBaseUrl: string;
  /** `npm run review`: where Prometheus is (PROMETHEUS_URL) and whom it emails (REVIEW_EMAIL_TO, else the escalation). */
  review: { prometheusUrl: string; emailTo: string };
  alerting: {
    from: string;
    smarthost: string;
    smtpUsername?: string;
    smtpPasswordFile?: string;
    smtpRequireTls: boolean;
    teamEmails: Record<Team, string>;
    escalationEmail: string;
    budgetEmail: string;
    slackWebhookUrlFile?: string;
    slackChannels: Record<Team, string>;
    /**
     * Custom integrations, per team (ALERT_WEBHOOK_URL_<TEAM>): Alertmanager's webhook JSON, with
     * an optional bearer token from a file (ALERT_WEBHOOK_TOKEN_FILE_<TEAM>). Alertmanager 0.25 has
     * no url_file for webhooks and shows webhook URLs unredacted on its status page, so the secret
     * part is the token file, never the URL.
     */
    webhooks: Partial<Record<Team, { url: string; tokenFile?: string }>>;
    /** Alerts per webhook message (ALERT_WEBHOOK_MAX_ALERTS, default 20; the rest are counted as truncated). */
    webhookMaxAlerts: number;
    /**
     * A dead man's switch (Healthchecks.io, Dead Man's Snitch …) that expects the Watchdog every
     * minute. Its URL is its secret: from a file (`url_file`, Alertmanager 0.26+: the dyno's and
     * compose's 0.27), or, for the local stack's Debian 0.25 only, inline.
     */
    watchdogUrl?: string;
    watchdogUrlFile?: string;
    /** Routing waits (ALERTMANAGER_GROUP_WAIT, ALERTMANAGER_GROUP_INTERVAL); tests shorten them. */
    groupWait: string;
    groupInterval: string;
    /** How long a production critical fires before the lead hears of it (ALERTMANAGER_ESCALATE_AFTER). */
    escalateAfter: string;
    /** When warnings are delivered (MANILA_BUSINESS_HOURS); outside them they wait. */
    businessHours: ManilaHours;
  };
}

type Env = Record<string, string | undefined>;

function remoteWrite(env: Env): MonitoringConfig['remoteWrite'] {
  const names = [
    'GRAFANA_CLOUD_PROMETHEUS_URL',
    'GRAFANA_CLOUD_PROMETHEUS_USER',
    'GRAFANA_CLOUD_TOKEN_FILE',
  ] as const;
  const [url, username, passwordFile] = names.map((n) => env[n]?.trim() || '');
  const set = [url, username, passwordFile].filter(Boolean).length;
  if (set === 0) return undefined;
  if (set < 3) throw new ConfigError(`remote_write to Grafana Cloud needs all of ${names.join(', ')}`);
  if (!/^https?:\/\//.test(url as string))
    throw new ConfigError(`GRAFANA_CLOUD_PROMETHEUS_URL="${url}" must be an http(s) URL`);
  return { url: url as string, username: username as string, passwordFile: passwordFile as string };
}

/** Leaves out the targets that are not set, so the type and the rendered files agree. */
function optionalTargets(
  targets: Record<keyof MonitoringConfig['targets'], ScrapeTarget | undefined> & { prometheus: ScrapeTarget },
): MonitoringConfig['targets'] {
  return Object.fromEntries(
    Object.entries(targets).filter(([, value]) => value !== undefined),
  ) as MonitoringConfig['targets'];
}

function webAuth(env: Env): Pick<MonitoringConfig, 'webAuth'> {
  const user = env.MONITORING_WEB_USER?.trim();
  const passwordFile = env.MONITORING_WEB_PASSWORD_FILE?.trim();
  if (Boolean(user) !== Boolean(passwordFile))
    throw new ConfigError('MONITORING_WEB_USER and MONITORING_WEB_PASSWORD_FILE must be set together');
  return user && passwordFile ? { webAuth: { user, passwordFile } } : {};
}

function rulesAt(value: string, rw: MonitoringConfig['remoteWrite']): MonitoringConfig['rulesAt'] {
  if (value !== 'local' && value !== 'hosted')
    throw new ConfigError(`MONITORING_RULES_AT="${value}" must be local or hosted`);
  if (value === 'hosted' && !rw)
    throw new ConfigError('MONITORING_RULES_AT=hosted needs remote_write (the GRAFANA_CLOUD_* variables)');
  return value;
}

/** The committed example (rendered/): the stack on one machine, every target on its default port. */
export const LOCAL_EXAMPLE_ENV: Env = {
  PUSHGATEWAY_TARGET: 'localhost:9091',
  HEROKU_EXPORTER_TARGET: 'localhost:9595',
  NODE_EXPORTER_TARGET: 'localhost:9100',
  ALERTMANAGER_TARGET: 'localhost:9093',
};

export function loadMonitoringConfig(env: Env = process.env): MonitoringConfig {
  const get = (name: string, fallback: string) => env[name]?.trim() || fallback;
  const budgetText = get('BRAINBYTES_MONTHLY_BUDGET_DOLLARS', '100');
  const monthlyBudgetDollars = Number(budgetText);
  if (!Number.isFinite(monthlyBudgetDollars) || monthlyBudgetDollars <= 0)
    throw new ConfigError(
      `BRAINBYTES_MONTHLY_BUDGET_DOLLARS="${budgetText}" must be a positive number of US dollars`,
    );
  const teamEmails = Object.fromEntries(
    TEAMS.map((team) => {
      const name = `ALERT_EMAIL_${team.toUpperCase()}`;
      return [team, email(name, get(name, `${team}@brainbytes.ph`))];
    }),
  ) as Record<Team, string>;
  const slackChannels = Object.fromEntries(
    TEAMS.map((team) => [team, get(`SLACK_CHANNEL_${team.toUpperCase()}`, `#brainbytes-${team}`)]),
  ) as Record<Team, string>;
  const webhooks: MonitoringConfig['alerting']['webhooks'] = {};
  for (const team of TEAMS) {
    const urlName = `ALERT_WEBHOOK_URL_${team.toUpperCase()}`;
    const url = env[urlName]?.trim();
    if (!url) continue;
    // Alertmanager logs a failed post's URL and shows every webhook URL on its status page (0.25):
    // a token in the URL, as user:password or in the query, would be shown with it.
    if (!/^https?:\/\/[^/@?#]+(\/[^?#@]*)?$/.test(url))
      throw new ConfigError(
        `${urlName}="${url.replace(/\/\/[^/]*@/, '//…@').replace(/[?#].*$/, '?…')}" must be an http(s) URL without credentials or a query (put a token in ALERT_WEBHOOK_TOKEN_FILE_${team.toUpperCase()}: it is sent as Authorization: Bearer)`,
      );
    const tokenFile = env[`ALERT_WEBHOOK_TOKEN_FILE_${team.toUpperCase()}`]?.trim();
    webhooks[team] = { url, ...(tokenFile ? { tokenFile } : {}) };
  }
  const webhookMaxAlerts = Number(get('ALERT_WEBHOOK_MAX_ALERTS', '20'));
  if (!Number.isInteger(webhookMaxAlerts) || webhookMaxAlerts < 0)
    throw new ConfigError('ALERT_WEBHOOK_MAX_ALERTS must be a whole number (0: no limit)');
  const rw = remoteWrite(env);
  return {
    environment: get('MONITORING_ENVIRONMENT', 'development'),
    cluster: get('MONITORING_CLUSTER', 'brainbytes-local'),
    scrapeInterval: duration('PROMETHEUS_SCRAPE_INTERVAL', get('PROMETHEUS_SCRAPE_INTERVAL', '15s')),
    evaluationInterval: duration(
      'PROMETHEUS_EVALUATION_INTERVAL',
      get('PROMETHEUS_EVALUATION_INTERVAL', '15s'),
    ),
    spendEvaluationInterval: duration(
      'PROMETHEUS_SPEND_EVALUATION_INTERVAL',
      get('PROMETHEUS_SPEND_EVALUATION_INTERVAL', '1m'),
    ),
    retention: duration('PROMETHEUS_RETENTION', get('PROMETHEUS_RETENTION', '15d')),
    ...(env.PROMETHEUS_ALERT_FOR?.trim()
      ? { alertForOverride: duration('PROMETHEUS_ALERT_FOR', env.PROMETHEUS_ALERT_FOR.trim()) }
      : {}),
    targets: optionalTargets({
      prometheus: target(env, 'PROMETHEUS') ?? { scheme: 'http', address: 'localhost:9090' },
      pushgateway: target(env, 'PUSHGATEWAY'),
      herokuExporter: target(env, 'HEROKU_EXPORTER'),
      nodeExporter: target(env, 'NODE_EXPORTER'),
      alertmanager: target(env, 'ALERTMANAGER'),
      cadvisor: target(env, 'CADVISOR'),
      postgresExporter: target(env, 'POSTGRES_EXPORTER'),
      redisExporter: target(env, 'REDIS_EXPORTER'),
      grafana: target(env, 'GRAFANA'),
    }),
    ...(rw ? { remoteWrite: rw } : {}),
    rulesAt: rulesAt(get('MONITORING_RULES_AT', 'local'), rw),
    ...webAuth(env),
    monthlyBudgetDollars,
    lambda: loadLambdaMonitoring(env),
    probes: loadProbeConfig(env),
    scheduledJobs: (env.MONITORING_SCHEDULED_JOBS ?? 'brainbytes-jobs')
      .split(',')
      .map((job) => job.trim())
      .filter(Boolean),
    studyHours: parseManilaHours(
      'MANILA_STUDY_HOURS',
      get('MANILA_STUDY_HOURS', 'monday:friday 15:00-22:00'),
    ),
    trafficMissingAfter: duration('TRAFFIC_MISSING_AFTER', get('TRAFFIC_MISSING_AFTER', '30m')),
    runbookBaseUrl: get(
      'RUNBOOK_BASE_URL',
      'https://github.com/brainbytes/brainbytes/blob/main/monitoring/README.md',
    ).replace(/\/$/, ''),
    review: {
      prometheusUrl: httpUrl('PROMETHEUS_URL', get('PROMETHEUS_URL', 'http://127.0.0.1:9090')),
      emailTo: email(
        'REVIEW_EMAIL_TO',
        get('REVIEW_EMAIL_TO', get('ALERT_EMAIL_ESCALATION', 'lead@brainbytes.ph')),
      ),
    },
    alerting: {
      from: email('ALERT_EMAIL_FROM', get('ALERT_EMAIL_FROM', 'alerts@brainbytes.ph')),
      smarthost: get('SMTP_SMARTHOST', 'localhost:25'),
      ...(env.SMTP_AUTH_USERNAME?.trim() ? { smtpUsername: env.SMTP_AUTH_USERNAME.trim() } : {}),
      ...(env.SMTP_AUTH_PASSWORD_FILE?.trim()
        ? { smtpPasswordFile: env.SMTP_AUTH_PASSWORD_FILE.trim() }
        : {}),
      smtpRequireTls: get('SMTP_REQUIRE_TLS', 'false') === 'true',
      teamEmails,
      escalationEmail: email('ALERT_EMAIL_ESCALATION', get('ALERT_EMAIL_ESCALATION', 'lead@brainbytes.ph')),
      budgetEmail: email('ALERT_EMAIL_BUDGET', get('ALERT_EMAIL_BUDGET', 'owner@brainbytes.ph')),
      ...(env.SLACK_WEBHOOK_URL_FILE?.trim()
        ? { slackWebhookUrlFile: env.SLACK_WEBHOOK_URL_FILE.trim() }
        : {}),
      slackChannels,
      webhooks,
      webhookMaxAlerts,
      ...watchdog(env, get('ALERTMANAGER_VERSION', '0.27')),
      groupWait: duration('ALERTMANAGER_GROUP_WAIT', get('ALERTMANAGER_GROUP_WAIT', '30s')),
      groupInterval: duration('ALERTMANAGER_GROUP_INTERVAL', get('ALERTMANAGER_GROUP_INTERVAL', '5m')),
      escalateAfter: duration('ALERTMANAGER_ESCALATE_AFTER', get('ALERTMANAGER_ESCALATE_AFTER', '30m')),
      businessHours: parseManilaHours(
        'MANILA_BUSINESS_HOURS',
        get('MANILA_BUSINESS_HOURS', 'monday:friday 08:00-18:00'),
      ),
    },
  };
}

/**
 * WATCHDOG_URL_FILE (the dyno's entrypoint and compose write WATCHDOG_URL to one) becomes
 * `url_file`: Alertmanager 0.26+ keeps it out of its status page and log. Only an Alertmanager
 * older than that (ALERTMANAGER_VERSION, the local stack's Debian 0.25) takes WATCHDOG_URL inline.
 */
function watchdog(
  env: Record<string, string | undefined>,
  versionText: string,
): { watchdogUrl?: string; watchdogUrlFile?: string } {
  const match = /^(\d+)\.(\d+)/.exec(versionText.trim());
  if (!match) throw new ConfigError(`ALERTMANAGER_VERSION="${versionText}" must be a version such as 0.27`);
  const hasUrlFile = Number(match[1]) > 0 || Number(match[2]) >= 26;
  const file = env.WATCHDOG_URL_FILE?.trim();
  const url = env.WATCHDOG_URL?.trim();
  if (file) {
    if (!hasUrlFile)
      throw new ConfigError(
        `WATCHDOG_URL_FILE needs Alertmanager 0.26 or later (url_file); ALERTMANAGER_VERSION is ${versionText}: set WATCHDOG_URL instead on this local stack`,
      );
    return { watchdogUrlFile: file };
  }
  if (!url) return {};
  if (!/^https?:\/\/\S+$/.test(url)) throw new ConfigError('WATCHDOG_URL must be an http(s) URL');
  if (hasUrlFile)
    throw new ConfigError(
      'WATCHDOG_URL is the dead man’s switch’s secret and Alertmanager would show it: write it to a file and set WATCHDOG_URL_FILE (the Heroku entrypoint and docker compose do this from WATCHDOG_URL)',
    );
  return { watchdogUrl: url };
}
