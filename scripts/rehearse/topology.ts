/**
 * The deployment the README documents, on this machine: one process per Heroku app, started by
 * its Procfile (`release` then `web`: scripts/heroku/*.mjs with BRAINBYTES_ROLE) or, for the
 * monitoring apps, by the container's entrypoint (monitoring/heroku/entrypoint.sh with
 * MONITORING_ROLE), each with the config vars the README's `heroku config:set` lines set; the
 * functions on Lambda through serverless-offline; PostgreSQL and Redis as the add-ons.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@brainbytes/testkit/ports';
import pg from 'pg';
import { root } from '../stack';
import { APP, herokuRoles } from '../topology.mjs';
import { appConfigVars } from './config-vars';
import { basic, type Proc, say, start, tail, waitReady } from './processes';
import { startTlsFront, type TlsFront } from './tls-front';

const secret = () => randomBytes(32).toString('base64url');

/** What the scenarios may change: the compressed clock and the outside world's fakes. */
export interface Outside {
  openaiUrl: string;
  herokuApiUrl: string;
  herokuToken: string;
  herokuApps: string[];
  smtpPort: number;
  /** Alertmanager's MANILA_BUSINESS_HOURS, e.g. a window that opens a few minutes from now. */
  businessHours: string;
  studyHours: string;
  /** Where the exporter reads Lambda's CloudWatch metrics (moto, seeded as Lambda reports). */
  cloudWatch: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
}

/** Time compressed through the variables an operator would use (monitoring/README.md). */
export const COMPRESSED = {
  PROMETHEUS_SCRAPE_INTERVAL: '1s',
  PROMETHEUS_EVALUATION_INTERVAL: '1s',
  PROMETHEUS_SPEND_EVALUATION_INTERVAL: '1s',
  PROMETHEUS_ALERT_FOR: '20s',
  ALERTMANAGER_GROUP_WAIT: '2s',
  ALERTMANAGER_GROUP_INTERVAL: '3s',
  ALERTMANAGER_ESCALATE_AFTER: '60s',
  TRAFFIC_MISSING_AFTER: '1m',
};

/** EventBridge's 5 minutes, compressed: the job (and the synthetic student with it) this often. */
export const SYNTHETIC_EVERY_SECONDS = 30;

export class Topology {
  readonly ports: Record<string, number> = {};
  readonly procs: Record<string, Proc> = {};
  readonly creds = {
    push: `push:${secret()}`,
    gatewayScrape: secret(),
    gatewayAdmin: `admin:${secret()}`,
    drain: secret(),
    exporterScrape: secret(),
    prometheusWeb: secret(),
    alertmanagerWeb: secret(),
    authSecret: secret(),
    proxySecret: secret(),
  };
  readonly database = `rehearsal_${process.pid}_${Date.now()}`;
  readonly redisPrefix = `rehearsal-${process.pid}-${Date.now()}:`;
  private bin: string;

  constructor(
    readonly outside: Outside,
    readonly dir: string,
  ) {
    // The monitoring image runs the official `alertmanager`; Debian names it prometheus-alertmanager.
    this.bin = path.join(dir, 'bin');
    mkdirSync(this.bin, { recursive: true });
    const alertmanager = spawnSync('sh', ['-c', 'command -v prometheus-alertmanager'], { encoding: 'utf8' });
    symlinkSync(alertmanager.stdout.trim(), path.join(this.bin, 'alertmanager'));
  }

  url(name: string) {
    return `http://127.0.0.1:${this.ports[name]}`;
  }

  get databaseUrl() {
    return `postgres://postgres@127.0.0.1:5432/${this.database}`;
  }

  get monitoringAuth() {
    return basic('brainbytes', this.creds.prometheusWeb);
  }

  async allocatePorts() {
    for (const name of [
      'api',
      'ai',
      'web',
      'gateway',
      'exporter',
      'prometheus',
      'alertmanager',
      'lambdaHttp',
      'lambda',
      'blackbox',
    ])
      this.ports[name] = await freePort();
  }

  async createDatabase() {
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${this.database}`);
    await admin.end();
  }

  async dropDatabase() {
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
    await admin.end();
  }

  /** A Heroku app of ours: the release phase (the API's migrations), then the `web` process. */
  async startApp(role: 'pushgateway' | 'api' | 'web' | 'heroku-exporter') {
    const env = appConfigVars(this)[role] as Record<string, string>;
    const options = { cwd: root, env, logDir: this.dir };
    const release = start(`${role}-release`, process.execPath, ['scripts/heroku/release.mjs'], options);
    const code = await new Promise<number | null>((resolve) => release.child.once('exit', resolve));
    if (code !== 0) throw new Error(`the ${role} app's release phase failed (${code}):\n${tail(release)}`);
    const proc = start(role, process.execPath, ['scripts/heroku/web.mjs'], options);
    this.procs[role] = proc;
    // The role's process on $PORT answers the probe (scripts/topology.mjs; the tutor starts first, beside the API).
    const front = herokuRoles()[role]?.at(-1) as keyof typeof APP;
    const port = { pushgateway: 'gateway', api: 'api', web: 'web', 'heroku-exporter': 'exporter' }[role];
    await waitReady(proc, this.url(port) + APP[front].health);
    return proc;
  }

  /** A monitoring container app, started by its image's entrypoint; `wipe` empties its disk first. */
  async startMonitoring(role: 'prometheus' | 'alertmanager', { wipe = false } = {}) {
    const { creds, outside } = this;
    const state = path.join(this.dir, `${role}-dyno`);
    if (wipe) rmSync(state, { recursive: true, force: true });
    mkdirSync(state, { recursive: true });
    const common = {
      MONITORING_ROLE: role,
      DYNO: 'web.1',
      PATH: `${this.bin}:${process.env.PATH}`,
      MONITORING_STATE_DIR: state,
      MONITORING_WEB_USER: 'brainbytes',
      ...COMPRESSED,
      MANILA_STUDY_HOURS: outside.studyHours,
      MANILA_BUSINESS_HOURS: outside.businessHours,
    };
    const vars =
      role === 'prometheus'
        ? {
            ...common,
            PORT: String(this.ports.prometheus),
            MONITORING_ENVIRONMENT: 'production',
            MONITORING_CLUSTER: 'heroku',
            MONITORING_SCHEDULED_JOBS: '',
            MONITORING_WEB_PASSWORD: creds.prometheusWeb,
            PROMETHEUS_TARGET: `127.0.0.1:${this.ports.prometheus}`,
            PUSHGATEWAY_TARGET: this.url('gateway'),
            PUSHGATEWAY_SCRAPE_USER: 'prometheus',
            PUSHGATEWAY_SCRAPE_PASSWORD: creds.gatewayScrape,
            HEROKU_EXPORTER_TARGET: this.url('exporter'),
            HEROKU_EXPORTER_SCRAPE_USER: 'prometheus',
            HEROKU_EXPORTER_SCRAPE_PASSWORD: creds.exporterScrape,
            ALERTMANAGER_TARGET: this.url('alertmanager'),
            ALERTMANAGER_SCRAPE_USER: 'brainbytes',
            ALERTMANAGER_SCRAPE_PASSWORD: creds.alertmanagerWeb,
            BRAINBYTES_MONTHLY_BUDGET_DOLLARS: '150',
            // The rehearsal's few days of Lambda sit inside the free tier: count none of it (an
            // account whose other workloads use it), so Lambda's month to date is not 0.
            LAMBDA_FREE_TIER_SHARE: '0',
            // The public entries, probed from this dyno (README: "Watch it from outside"). API
            // Gateway's is left out: serverless-offline starts after Prometheus here.
            // The web app through its HTTPS front: a valid chain (its CA trusted), HTTP redirected.
            WEB_PUBLIC_URL: this.front?.url ?? this.url('web'),
            ...(this.front ? { BLACKBOX_CA_FILE: this.front.caFile } : {}),
            API_PUBLIC_URL: this.url('api'),
            PUSHGATEWAY_PUBLIC_URL: this.url('gateway'),
            HEROKU_EXPORTER_PUBLIC_URL: this.url('exporter'),
            BLACKBOX_EXPORTER_PORT: String(this.ports.blackbox),
          }
        : {
            ...common,
            PORT: String(this.ports.alertmanager),
            MONITORING_WEB_PASSWORD: creds.alertmanagerWeb,
            SMTP_SMARTHOST: `127.0.0.1:${outside.smtpPort}`,
            SMTP_REQUIRE_TLS: 'false',
            ALERT_EMAIL_BUDGET: 'owner@brainbytes.ph',
            ALERT_EMAIL_ESCALATION: 'lead@brainbytes.ph',
            ALERTMANAGER_EXTERNAL_URL: this.url('alertmanager'),
          };
    const proc = start(role, 'monitoring/heroku/entrypoint.sh', [], {
      cwd: root,
      env: vars,
      logDir: this.dir,
    });
    this.procs[role] = proc;
    const auth = role === 'prometheus' ? this.monitoringAuth : basic('brainbytes', creds.alertmanagerWeb);
    await waitReady(proc, `${this.url(role)}/-/ready`, 60_000, auth);
    return proc;
  }

  /** The functions on Lambda (serverless-offline), their secrets as SSM would give them. */
  async startLambda() {
    const { creds, outside } = this;
    const serverless = path.join(root, 'node_modules/.bin/serverless');
    const proc = start(
      'lambda',
      serverless,
      [
        'offline',
        'start',
        '--localEnvironment',
        '--stage',
        'prod',
        '--param',
        'environment=production',
        '--httpPort',
        String(this.ports.lambdaHttp),
        '--lambdaPort',
        String(this.ports.lambda),
      ],
      {
        cwd: root,
        logDir: this.dir,
        env: {
          DATABASE_URL: this.databaseUrl,
          AUTH_SECRET: creds.authSecret,
          OPENAI_API_KEY: 'sk-rehearsal',
          OPENAI_BASE_URL: outside.openaiUrl,
          AI_TIMEOUT_MS: '2000',
          PUSHGATEWAY_URL: this.url('gateway'),
          PUSHGATEWAY_PUSH_CREDENTIALS: creds.push,
          AWS_ENDPOINT_URL_LAMBDA: this.url('lambda'),
          AWS_REGION: 'ap-southeast-1',
          AWS_ACCESS_KEY_ID: 'offline',
          AWS_SECRET_ACCESS_KEY: 'offline',
          LOG_LEVEL: 'warn',
          // The synthetic student, from the job (SSM's synthetic-api-url): through the web app.
          SYNTHETIC_API_URL: this.url('web'),
          SYNTHETIC_INTERVAL_SECONDS: String(SYNTHETIC_EVERY_SECONDS),
        },
      },
    );
    this.procs.lambda = proc;
    await waitReady(proc, `${this.url('lambdaHttp')}/api/health`, 120_000);
    return proc;
  }

  async startAll() {
    await this.allocatePorts();
    await this.createDatabase();
    say('Heroku apps: gateway (Redis), API (+ tutor, PostgreSQL), web, exporter …');
    await this.startApp('pushgateway');
    await this.startApp('api');
    await this.startApp('web');
    const tls = path.join(this.dir, 'tls');
    mkdirSync(tls, { recursive: true });
    this.front = await startTlsFront(tls, this.url('web'));
    await this.startApp('heroku-exporter');
    say('monitoring container apps: Alertmanager, Prometheus …');
    await this.startMonitoring('alertmanager');
    await this.startMonitoring('prometheus');
    say('Lambda functions through serverless-offline …');
    await this.startLambda();
  }

  /** The web app's HTTPS front (Heroku's router with a certificate of its own CA). */
  front: TlsFront | undefined;

  /** While set, the schedule skips the job (a scenario that must know whose question it billed). */
  jobPaused = false;

  /** EventBridge invoking the job, as Lambda's invoke API takes it; no answer is an error to log, not to throw. */
  async invokeJob() {
    if (this.jobPaused) return;
    const res = await fetch(`${this.url('lambda')}/2015-03-31/functions/brainbytes-prod-job/invocations`, {
      method: 'POST',
      body: '{}',
    }).catch((error: Error) => ({ ok: false, status: 0, text: async () => error.message }));
    if (!res.ok) say(`  the scheduled job failed (${res.status}): ${(await res.text()).slice(0, 200)}`);
  }

  async restartApp(role: 'pushgateway' | 'heroku-exporter') {
    await this.procs[role]?.stop();
    return this.startApp(role);
  }
}
