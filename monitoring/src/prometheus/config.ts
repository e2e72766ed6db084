import { blackboxScrapeJob, PROBE_JOB } from '../blackbox';
import type { MonitoringConfig, ScrapeTarget } from '../config';

/** The job names Prometheus gives its own targets; alerts and dashboards use them. */
export const SCRAPE_JOBS = {
  prometheus: 'prometheus',
  pushgateway: 'pushgateway',
  herokuExporter: 'heroku-exporter',
  nodeExporter: 'node',
  alertmanager: 'alertmanager',
  cadvisor: 'cadvisor',
  postgresExporter: 'postgres',
  redisExporter: 'redis',
  grafana: 'grafana',
  blackboxExporter: 'blackbox-exporter',
  /** The probes themselves (probe_success by entry), through the blackbox exporter. */
  probes: PROBE_JOB,
} as const;

function connection(target: ScrapeTarget) {
  return {
    scheme: target.scheme,
    ...(target.username && target.passwordFile
      ? { basic_auth: { username: target.username, password_file: target.passwordFile } }
      : {}),
  };
}

function scrapeJob(job: string, target: ScrapeTarget, extra: Record<string, unknown> = {}) {
  return { job_name: job, ...extra, ...connection(target), static_configs: [{ targets: [target.address] }] };
}

/** prometheus.yml. Credentials are only ever file paths; the files are written at deploy time. */
export function prometheusConfig(config: MonitoringConfig) {
  const { targets } = config;
  return {
    global: {
      scrape_interval: config.scrapeInterval,
      evaluation_interval: config.evaluationInterval,
      external_labels: { environment: config.environment, cluster: config.cluster },
    },
    // Rules run here or in Grafana Cloud's ruler, never both (MONITORING_RULES_AT).
    ...(config.rulesAt === 'local' ? { rule_files: ['rules/*.yml'] } : {}),
    // Without an Alertmanager, PrometheusNotConnectedToAlertmanager says so on the Prometheus page.
    ...(targets.alertmanager && config.rulesAt === 'local'
      ? {
          alerting: {
            alertmanagers: [
              {
                ...connection(targets.alertmanager),
                static_configs: [{ targets: [targets.alertmanager.address] }],
              },
            ],
          },
        }
      : {}),
    scrape_configs: [
      scrapeJob(SCRAPE_JOBS.prometheus, targets.prometheus),
      // Pushed series keep their own job, environment and platform labels.
      targets.pushgateway && scrapeJob(SCRAPE_JOBS.pushgateway, targets.pushgateway, { honor_labels: true }),
      targets.herokuExporter && scrapeJob(SCRAPE_JOBS.herokuExporter, targets.herokuExporter),
      targets.nodeExporter && scrapeJob(SCRAPE_JOBS.nodeExporter, targets.nodeExporter),
      targets.alertmanager && scrapeJob(SCRAPE_JOBS.alertmanager, targets.alertmanager),
      targets.cadvisor && scrapeJob(SCRAPE_JOBS.cadvisor, targets.cadvisor),
      targets.postgresExporter && scrapeJob(SCRAPE_JOBS.postgresExporter, targets.postgresExporter),
      targets.redisExporter && scrapeJob(SCRAPE_JOBS.redisExporter, targets.redisExporter),
      targets.grafana && scrapeJob(SCRAPE_JOBS.grafana, targets.grafana),
      config.probes.exporter && scrapeJob(SCRAPE_JOBS.blackboxExporter, config.probes.exporter),
      blackboxScrapeJob(config.probes, config.environment, config.scrapeInterval),
    ].filter(Boolean),
    ...(config.remoteWrite
      ? {
          remote_write: [
            {
              url: config.remoteWrite.url,
              basic_auth: {
                username: config.remoteWrite.username,
                password_file: config.remoteWrite.passwordFile,
              },
            },
          ],
        }
      : {}),
  };
}
