import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDA_REPORT_METRICS, lambdaReportNamespace } from '@brainbytes/telemetry/metrics';
import { requireBinary } from '@brainbytes/testkit/binaries';
import { FakeOpenAi } from '@brainbytes/testkit/fake-openai';
import { FakePlatformApi } from '@brainbytes/testkit/fake-platform-api';
import { type Moto, startMoto } from '@brainbytes/testkit/moto';
import { freePort } from '@brainbytes/testkit/ports';
import { runAhead } from '@brainbytes/testkit/processes';
import { eventually, type Mail, promQuery, smtpSink } from '@brainbytes/testkit/services';
import { demoArgs } from '../scripts/demo-command';

/**
 * The end-to-end test's stack, started by `npm start`'s own script on free ports: a fake OpenAI,
 * a fake Heroku Platform API, CloudWatch (moto) seeded as Lambda reports, an SMTP inbox, and
 * every alert `for` and routing wait shortened through its setting.
 */
export const root = fileURLToPath(new URL('..', import.meta.url));
export let stack: ChildProcess;
let output = '';
/** What `npm start` has printed so far. */
export const stackOutput = () => output;
export let openai: FakeOpenAi;
let heroku: FakePlatformApi;
let smtp: Awaited<ReturnType<typeof smtpSink>>;
let moto: Moto;
const ports: Record<string, number> = {};
/** The stack's port of each part (free ports, chosen at start). */
export const portOf = (name: string) => ports[name];
/** Every alert's `for`, shortened (PROMETHEUS_ALERT_FOR). */
export const ALERT_FOR_SECONDS = 5;
export const url = (name: string) => `http://127.0.0.1:${ports[name]}`;

export const query = (expr: string) => promQuery(url('prometheus'), expr);

export function runDemo(students: number, minutes: number) {
  return new Promise<string>((resolve, reject) => {
    const demo = spawn(process.execPath, demoArgs({ students, minutes, url: url('web') }), { cwd: root });
    let text = '';
    demo.stdout.on('data', (d) => (text += d));
    demo.stderr.on('data', (d) => (text += d));
    demo.on('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`demo exited ${code}:\n${text}`)),
    );
  });
}

export const mailTo = (address: string, subject: RegExp) => () =>
  smtp.mails.find((m: Mail) => m.to.includes(address) && subject.test(m.parsed.subject ?? ''));

/**
 * Starts the fakes and `npm start` on free ports, then a short demo; stopped by `stopStack`.
 * `newcomer`: `npm start` as a newcomer runs it, with no OpenAI key, Heroku token, AWS or SMTP
 * (the offline tutor, the exporter without its platforms, the stack's own mail sink).
 */
export async function startStack({ newcomer = false }: { newcomer?: boolean } = {}) {
  for (const binary of [
    ['prometheus', 'prometheus'],
    ['prometheus-alertmanager', 'prometheus-alertmanager'],
    ['prometheus-node-exporter', 'prometheus-node-exporter'],
    ['prometheus-blackbox-exporter', 'prometheus-blackbox-exporter'],
  ])
    requireBinary(binary[0] as string, binary[1] as string);
  const platforms = newcomer ? {} : await startPlatforms();
  for (const name of [
    'gateway',
    'exporter',
    'ai',
    'api',
    'web',
    'prometheus',
    'alertmanager',
    'node',
    'grafana',
    'mail',
    'blackbox',
  ])
    ports[name] = await freePort();
  stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: {
      ...process.env,
      BRAINBYTES_DATA_DIR: mkdtempSync(join(tmpdir(), 'bb-e2e-')),
      PUSHGATEWAY_PORT: String(ports.gateway),
      HEROKU_EXPORTER_PORT: String(ports.exporter),
      AI_PORT: String(ports.ai),
      API_PORT: String(ports.api),
      WEB_PORT: String(ports.web),
      PROMETHEUS_PORT: String(ports.prometheus),
      ALERTMANAGER_PORT: String(ports.alertmanager),
      NODE_EXPORTER_PORT: String(ports.node),
      BLACKBOX_EXPORTER_PORT: String(ports.blackbox),
      GRAFANA_PORT: String(ports.grafana),
      MAIL_SINK_PORT: String(ports.mail),
      PROMETHEUS_SCRAPE_INTERVAL: '1s',
      PROMETHEUS_EVALUATION_INTERVAL: '1s',
      PROMETHEUS_SPEND_EVALUATION_INTERVAL: '1s',
      PROMETHEUS_ALERT_FOR: `${ALERT_FOR_SECONDS}s`,
      ALERTMANAGER_GROUP_WAIT: '1s',
      ALERTMANAGER_GROUP_INTERVAL: '2s',
      PUSH_INTERVAL_SECONDS: '1',
      BUSINESS_METRICS_INTERVAL_SECONDS: '2',
      SYNTHETIC_INTERVAL_SECONDS: '10',
      LOG_LEVEL: 'warn',
      ...platforms,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its alerts are timed against the clock while other test files run: its processes come first.
  runAhead(stack.pid, 'the stack under test');
  stack.stdout?.on('data', (d) => (output += d));
  stack.stderr?.on('data', (d) => (output += d));
  await eventually(
    'npm start to report the stack running',
    () =>
      output.includes('[start] the stack is running')
        ? true
        : stack.exitCode !== null
          ? Promise.reject(new Error(output))
          : undefined,
    120_000,
  ).catch((error) => {
    throw new Error(`${(error as Error).message}\n${output.slice(-4000)}`);
  });
  await runDemo(6, 0.3);
}

/**
 * What the wired stack talks to: a fake OpenAI, a fake Heroku Platform API, CloudWatch (moto)
 * seeded as Lambda reports, an SMTP inbox; and the settings that point `npm start` at them.
 */
async function startPlatforms(): Promise<Record<string, string>> {
  openai = await new FakeOpenAi().start();
  heroku = await new FakePlatformApi([
    {
      name: 'brainbytes-api',
      dynos: [{ type: 'web', size: 'Basic', state: 'up', n: 1 }],
      formation: [{ type: 'web', quantity: 1, size: 'Basic' }],
      releases: 3,
      addons: [{ service: 'heroku-postgresql', plan: 'essential-0', cents: 500 }],
      runtimeMetrics: true,
    },
  ]).start();
  smtp = await smtpSink();
  // CloudWatch (moto) as Lambda reports to it: a minute's invocations, errors and durations, from
  // a few minutes ago to well past the end of this test, read by the exporter every minute.
  moto = await startMoto();
  const minute = Date.now() - (Date.now() % 60_000);
  for (const fn of ['brainbytes-prod-api', 'brainbytes-prod-ai'])
    await moto.seedLambda(
      fn,
      Array.from({ length: 20 }, (_, i) => new Date(minute + (i - 4) * 60_000)).flatMap((Timestamp) => [
        { MetricName: 'Invocations', Timestamp, Value: 30, Unit: 'Count' as const },
        { MetricName: 'Errors', Timestamp, Value: 1, Unit: 'Count' as const },
        { MetricName: 'Throttles', Timestamp, Value: 0, Unit: 'Count' as const },
        { MetricName: 'ConcurrentExecutions', Timestamp, Value: 3, Unit: 'Count' as const },
        { MetricName: 'Duration', Timestamp, Value: 900, Unit: 'Milliseconds' as const },
        { MetricName: 'Duration', Timestamp, Value: 120, Unit: 'Milliseconds' as const },
      ]),
    );
  // And each invocation's REPORT, as the metric filters publish it: billed time, INIT, peak memory.
  for (const fn of ['brainbytes-prod-api', 'brainbytes-prod-ai'])
    await moto.seed(
      lambdaReportNamespace(fn),
      Array.from({ length: 20 }, (_, i) => new Date(minute + (i - 4) * 60_000)).flatMap((Timestamp) => [
        { MetricName: LAMBDA_REPORT_METRICS.billed, Timestamp, Value: 32_000, Unit: 'Milliseconds' as const },
        { MetricName: LAMBDA_REPORT_METRICS.init, Timestamp, Value: 850, Unit: 'Milliseconds' as const },
        { MetricName: LAMBDA_REPORT_METRICS.maxMemory, Timestamp, Value: 180, Unit: 'Megabytes' as const },
      ]),
    );
  return {
    OPENAI_API_KEY: 'sk-test-e2e',
    OPENAI_BASE_URL: openai.url,
    AI_PROVIDER: 'openai',
    AI_TIMEOUT_MS: '2000',
    HEROKU_API_TOKEN: heroku.token,
    HEROKU_API_URL: heroku.url,
    HEROKU_APPS: 'brainbytes-api',
    HEROKU_DRAIN_TOKENS: 'd.e2e',
    LAMBDA_FUNCTIONS: 'brainbytes-prod-api:512:29,brainbytes-prod-ai:512:30',
    AWS_REGION: moto.region,
    AWS_ENDPOINT_URL_CLOUDWATCH: moto.endpoint,
    AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
    CLOUDWATCH_PERIOD_SECONDS: '60',
    CLOUDWATCH_DURATION_PERCENTILES: '', // moto 5.2 does not compute percentiles
    HEROKU_POLL_INTERVAL_SECONDS: '2',
    SMTP_SMARTHOST: `127.0.0.1:${smtp.port}`,
    BRAINBYTES_MONTHLY_BUDGET_DOLLARS: '100',
    // Rehearsed as production: only production pages at any hour (staging and development wait
    // for Manila business hours), and this test must not depend on the hour it runs at.
    BRAINBYTES_ENVIRONMENT: 'production',
    MONITORING_ENVIRONMENT: 'production',
    AUTH_SECRET: 'e2e-auth-secret-0123456789abcdefghijkl',
  };
}

export async function stopStack() {
  if (stack && stack.exitCode === null) {
    const exited = new Promise((resolve) => stack.once('exit', resolve));
    stack.kill('SIGINT');
    await exited;
  }
  await openai?.stop();
  await heroku?.stop();
  await smtp?.close();
  moto?.stop();
}
