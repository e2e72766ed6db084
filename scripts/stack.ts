/**
 * What `npm start` runs, in order, and how each part is reached: the app's own processes, then the
 * monitoring stack from Debian's binaries with the configuration rendered into the data folder.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMonitoringConfig } from '@brainbytes/monitoring/config';
import { renderAll } from '@brainbytes/monitoring/render';
import { APP, MONITORING, portOf } from './topology.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
export const dataDir = path.resolve(root, env.BRAINBYTES_DATA_DIR ?? '.data');
// The web app's proxy proves itself to the API with it (the API then believes its client address).
const proxySecret = env.API_PROXY_SECRET ?? randomBytes(24).toString('base64url');

export interface Component {
  name: string;
  /** `node` runs a script of ours; anything else is a Debian binary looked up on PATH. */
  command: string;
  args: string[];
  cwd?: string;
  url: string;
  health: string;
  env?: Record<string, string>;
  note?: string;
  /** How to install `command` when it is missing; then the component is skipped. */
  install?: string;
}

/** Whether a Debian binary is on PATH. */
export function installed(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Each process's port and how to move it: scripts/topology.mjs.
export const ports = {
  gateway: portOf(APP.pushgateway),
  exporter: portOf(APP['heroku-exporter']),
  ai: portOf(APP.ai),
  api: portOf(APP.api),
  web: portOf(APP.web),
  prometheus: portOf(MONITORING.prometheus),
  alertmanager: portOf(MONITORING.alertmanager),
  node: portOf(MONITORING['node-exporter']),
  grafana: portOf(MONITORING.grafana),
  postgresExporter: portOf(MONITORING['postgres-exporter']),
  redisExporter: portOf(MONITORING['redis-exporter']),
  blackbox: portOf(MONITORING['blackbox-exporter']),
  smtp: env.MAIL_SINK_PORT ?? '1025',
};
const local = (p: string) => `http://127.0.0.1:${p}`;
const gatewayUrl = env.PUSHGATEWAY_URL ?? local(ports.gateway);
const monitoringDir = path.join(dataDir, 'monitoring');

export function appComponents(): Component[] {
  const node = (name: keyof typeof APP) => ['--enable-source-maps', APP[name].entry];
  const where = (name: keyof typeof APP) => ({ cwd: APP[name].workspace, health: APP[name].health });
  return [
    {
      name: 'pushgateway',
      command: 'node',
      args: node('pushgateway'),
      ...where('pushgateway'),
      url: local(ports.gateway),
      env: { PUSHGATEWAY_PORT: ports.gateway, PUSHGATEWAY_DATA_DIR: path.join(dataDir, 'pushgateway') },
    },
    {
      name: 'heroku-exporter',
      command: 'node',
      args: node('heroku-exporter'),
      ...where('heroku-exporter'),
      url: local(ports.exporter),
      env: {
        HEROKU_EXPORTER_PORT: ports.exporter,
        HEROKU_EXPORTER_HOST: env.HEROKU_EXPORTER_HOST ?? '127.0.0.1',
        HEROKU_EXPORTER_STATE:
          env.HEROKU_EXPORTER_STATE ?? env.REDIS_URL ?? path.join(dataDir, 'heroku-exporter', 'state.json'),
      },
      note: env.HEROKU_API_TOKEN ? 'Platform API + drain' : 'drain receiver only (no HEROKU_API_TOKEN)',
    },
    {
      name: 'ai',
      command: 'node',
      args: node('ai'),
      ...where('ai'),
      url: local(ports.ai),
      env: { AI_PORT: ports.ai, PUSHGATEWAY_URL: gatewayUrl },
      note: env.OPENAI_API_KEY
        ? `AI provider ${env.AI_MODEL ?? 'gpt-4o-mini'}`
        : 'offline tutor (no OPENAI_API_KEY)',
    },
    {
      name: 'api',
      command: 'node',
      args: node('api'),
      ...where('api'),
      url: local(ports.api),
      env: {
        API_PORT: ports.api,
        AI_URL: local(ports.ai),
        PUSHGATEWAY_URL: gatewayUrl,
        PGLITE_DIR: path.join(dataDir, 'pglite'),
        API_PROXY_SECRET: proxySecret,
        // The synthetic student walks the student's path through the web app's /api, as a phone does.
        SYNTHETIC_API_URL: env.SYNTHETIC_API_URL ?? local(ports.web),
      },
      note: env.DATABASE_URL
        ? 'PostgreSQL (DATABASE_URL)'
        : `PGlite in ${path.relative(root, dataDir)}/pglite`,
    },
    {
      name: 'web',
      command: 'node',
      args: node('web'),
      ...where('web'),
      url: local(ports.web),
      env: {
        WEB_PORT: ports.web,
        BRAINBYTES_API_URL: local(ports.api),
        NEXT_TELEMETRY_DISABLED: '1',
        API_PROXY_SECRET: proxySecret,
      },
      note: 'the student app; /api goes to the API',
    },
  ];
}

export function monitoringComponents(): Component[] {
  const config = loadMonitoringConfig({
    PROMETHEUS_TARGET: `127.0.0.1:${ports.prometheus}`,
    PUSHGATEWAY_TARGET: `127.0.0.1:${ports.gateway}`,
    HEROKU_EXPORTER_TARGET: `127.0.0.1:${ports.exporter}`,
    // Only what runs here is scraped: a job for a missing binary would keep TargetDown firing.
    ...(installed('prometheus-node-exporter') ? { NODE_EXPORTER_TARGET: `127.0.0.1:${ports.node}` } : {}),
    ...(installed('prometheus-alertmanager')
      ? { ALERTMANAGER_TARGET: `127.0.0.1:${ports.alertmanager}` }
      : {}),
    // The datastores, when the stack uses real ones (DATABASE_URL, REDIS_URL) and the exporter is installed.
    ...(env.DATABASE_URL && installed('prometheus-postgres-exporter')
      ? { POSTGRES_EXPORTER_TARGET: `127.0.0.1:${ports.postgresExporter}` }
      : {}),
    ...(env.REDIS_URL && installed('prometheus-redis-exporter')
      ? { REDIS_EXPORTER_TARGET: `127.0.0.1:${ports.redisExporter}` }
      : {}),
    // Grafana's own latency (GrafanaSlow), when it runs here.
    ...(installed('grafana-server') ? { GRAFANA_TARGET: `127.0.0.1:${ports.grafana}` } : {}),
    // The student's path from outside: the public entries here are the local ones.
    ...(installed('prometheus-blackbox-exporter')
      ? {
          BLACKBOX_EXPORTER_TARGET: `127.0.0.1:${ports.blackbox}`,
          WEB_PUBLIC_URL: local(ports.web),
          API_PUBLIC_URL: local(ports.api),
          PUSHGATEWAY_PUBLIC_URL: local(ports.gateway),
          HEROKU_EXPORTER_PUBLIC_URL: local(ports.exporter),
        }
      : {}),
    SMTP_SMARTHOST: `127.0.0.1:${ports.smtp}`,
    // Debian's Alertmanager has no url_file: a local WATCHDOG_URL is written inline (loopback only).
    ALERTMANAGER_VERSION: '0.25',
    MONITORING_SCHEDULED_JOBS: '', // the API runs the business-metrics job in-process here
    ...env,
  });
  for (const [file, text] of renderAll(config)) {
    mkdirSync(path.dirname(path.join(monitoringDir, file)), { recursive: true });
    writeFileSync(path.join(monitoringDir, file), text);
  }
  const rendered = (file: string) => path.join(monitoringDir, file);
  return [
    {
      name: 'prometheus',
      command: 'prometheus',
      args: [
        `--config.file=${rendered('prometheus/prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dataDir, 'prometheus')}`,
        `--storage.tsdb.retention.time=${config.retention}`,
        `--web.listen-address=127.0.0.1:${ports.prometheus}`,
        '--web.enable-admin-api', // loopback only: snapshots for `npm run backup -w monitoring`
        '--log.level=warn',
      ],
      url: local(ports.prometheus),
      health: '/-/ready',
      install: 'sudo apt-get install -y prometheus',
      note: `rules and scrape config rendered into ${path.relative(root, monitoringDir)}`,
    },
    {
      name: 'alertmanager',
      command: 'prometheus-alertmanager',
      args: [
        `--config.file=${rendered('alertmanager/alertmanager.yml')}`,
        `--storage.path=${path.join(dataDir, 'alertmanager')}`,
        `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
        `--web.external-url=${local(ports.alertmanager)}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      url: local(ports.alertmanager),
      health: '/-/ready',
      install: 'sudo apt-get install -y prometheus-alertmanager',
      note: env.SMTP_SMARTHOST
        ? `email through ${env.SMTP_SMARTHOST}`
        : `email kept in ${path.relative(root, dataDir)}/mail`,
    },
    ...(env.DATABASE_URL
      ? [
          {
            name: 'postgres-exporter',
            command: 'prometheus-postgres-exporter',
            args: [`--web.listen-address=127.0.0.1:${ports.postgresExporter}`, '--log.level=warn'],
            url: local(ports.postgresExporter),
            health: '/metrics',
            env: { DATA_SOURCE_NAME: env.DATABASE_URL },
            install: 'sudo apt-get install -y prometheus-postgres-exporter',
            note: 'connections, as PostgreSQL counts them (DATABASE_URL)',
          },
        ]
      : []),
    ...(env.REDIS_URL
      ? [
          {
            name: 'redis-exporter',
            command: 'prometheus-redis-exporter',
            args: ['-redis.addr', env.REDIS_URL, '-web.listen-address', `127.0.0.1:${ports.redisExporter}`],
            url: local(ports.redisExporter),
            health: '/metrics',
            install: 'sudo apt-get install -y prometheus-redis-exporter',
            note: 'the gateway’s Redis memory (REDIS_URL)',
          },
        ]
      : []),
    {
      name: 'blackbox-exporter',
      command: 'prometheus-blackbox-exporter',
      args: [
        `--config.file=${rendered('blackbox/blackbox.yml')}`,
        `--web.listen-address=127.0.0.1:${ports.blackbox}`,
        '--log.level=warn',
      ],
      url: local(ports.blackbox),
      health: '/-/healthy',
      install: 'sudo apt-get install -y prometheus-blackbox-exporter',
      note: 'probes the web app, API, gateway and exporter as a student’s phone would',
    },
    {
      name: 'node-exporter',
      command: 'prometheus-node-exporter',
      args: [`--web.listen-address=127.0.0.1:${ports.node}`, '--no-collector.systemd', '--log.level=warn'],
      url: local(ports.node),
      health: '/metrics',
      install: 'sudo apt-get install -y prometheus-node-exporter',
    },
    {
      name: 'grafana',
      command: 'grafana-server',
      args: [
        '--homepath=/usr/share/grafana',
        `cfg:paths.data=${path.join(dataDir, 'grafana')}`,
        `cfg:paths.provisioning=${rendered('grafana/provisioning')}`,
        `cfg:server.http_port=${ports.grafana}`,
        'cfg:server.http_addr=127.0.0.1',
        'cfg:auth.anonymous.enabled=true',
        'cfg:auth.anonymous.org_role=Viewer',
      ],
      url: local(ports.grafana),
      health: '/api/health',
      env: {
        PROMETHEUS_URL: local(ports.prometheus),
        BRAINBYTES_DASHBOARDS_DIR: rendered('grafana/dashboards'),
      },
      install:
        'Grafana is not in Debian: add https://apt.grafana.com (see monitoring/README.md) and `sudo apt-get install -y grafana`',
    },
  ];
}
