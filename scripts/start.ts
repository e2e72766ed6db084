/**
 * `npm start`: the whole local stack on embedded defaults. Starts each component in order (each
 * waits for the ones before it to answer), prints progress and then where everything is, and stops
 * every child on Ctrl-C. A Debian binary that is missing is named with its install command and the
 * rest runs without it; a child that dies is reported with its exit code.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMonitoringConfig } from '../monitoring/src/config';
import { renderAll } from '../monitoring/src/render';
import { startMailSink } from './mail-sink';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const dataDir = path.resolve(root, env.BRAINBYTES_DATA_DIR ?? '.data');

interface Component {
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

const port = (name: string, fallback: string) => env[name] ?? fallback;
const ports = {
  gateway: port('PUSHGATEWAY_PORT', '9091'),
  exporter: port('HEROKU_EXPORTER_PORT', '9595'),
  ai: port('AI_PORT', '3002'),
  api: port('API_PORT', '3000'),
  web: port('WEB_PORT', '3001'),
  prometheus: port('PROMETHEUS_PORT', '9090'),
  alertmanager: port('ALERTMANAGER_PORT', '9093'),
  node: port('NODE_EXPORTER_PORT', '9100'),
  grafana: port('GRAFANA_PORT', '3003'),
  smtp: port('MAIL_SINK_PORT', '1025'),
};
const local = (p: string) => `http://127.0.0.1:${p}`;
const gatewayUrl = env.PUSHGATEWAY_URL ?? local(ports.gateway);
const monitoringDir = path.join(dataDir, 'monitoring');

function appComponents(): Component[] {
  const node = (entry: string) => ['--enable-source-maps', entry];
  return [
    {
      name: 'pushgateway',
      command: 'node',
      args: node('dist/main.mjs'),
      cwd: 'pushgateway',
      url: local(ports.gateway),
      health: '/-/healthy',
      env: { PUSHGATEWAY_PORT: ports.gateway, PUSHGATEWAY_DATA_DIR: path.join(dataDir, 'pushgateway') },
    },
    {
      name: 'heroku-exporter',
      command: 'node',
      args: node('dist/main.mjs'),
      cwd: 'exporters/heroku',
      url: local(ports.exporter),
      health: '/-/healthy',
      env: {
        HEROKU_EXPORTER_PORT: ports.exporter,
        HEROKU_EXPORTER_HOST: env.HEROKU_EXPORTER_HOST ?? '127.0.0.1',
      },
      note: env.HEROKU_API_TOKEN ? 'Platform API + drain' : 'drain receiver only (no HEROKU_API_TOKEN)',
    },
    {
      name: 'ai',
      command: 'node',
      args: node('dist/ai.mjs'),
      cwd: 'functions',
      url: local(ports.ai),
      health: '/ai/health',
      env: { AI_PORT: ports.ai, PUSHGATEWAY_URL: gatewayUrl },
      note: env.OPENAI_API_KEY
        ? `AI provider ${env.AI_MODEL ?? 'gpt-4o-mini'}`
        : 'offline tutor (no OPENAI_API_KEY)',
    },
    {
      name: 'api',
      command: 'node',
      args: node('dist/api.mjs'),
      cwd: 'functions',
      url: local(ports.api),
      health: '/api/health',
      env: {
        API_PORT: ports.api,
        AI_URL: local(ports.ai),
        PUSHGATEWAY_URL: gatewayUrl,
        PGLITE_DIR: path.join(dataDir, 'pglite'),
      },
      note: env.DATABASE_URL
        ? 'PostgreSQL (DATABASE_URL)'
        : `PGlite in ${path.relative(root, dataDir)}/pglite`,
    },
    {
      name: 'web',
      command: 'node',
      args: [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', ports.web, '-H', '127.0.0.1'],
      cwd: 'web',
      url: local(ports.web),
      health: '/login',
      env: { BRAINBYTES_API_URL: local(ports.api), NEXT_TELEMETRY_DISABLED: '1' },
      note: 'the student app; /api goes to the API',
    },
  ];
}

function monitoringComponents(): Component[] {
  const config = loadMonitoringConfig({
    PROMETHEUS_TARGET: `127.0.0.1:${ports.prometheus}`,
    PUSHGATEWAY_TARGET: `127.0.0.1:${ports.gateway}`,
    HEROKU_EXPORTER_TARGET: `127.0.0.1:${ports.exporter}`,
    NODE_EXPORTER_TARGET: `127.0.0.1:${ports.node}`,
    ALERTMANAGER_TARGET: `127.0.0.1:${ports.alertmanager}`,
    SMTP_SMARTHOST: `127.0.0.1:${ports.smtp}`,
    GRAFANA_URL: local(ports.grafana),
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

const say = (line: string) => process.stdout.write(`[start] ${line}\n`);
const children = new Map<string, ChildProcess>();
let stopping = false;
let closeMail: (() => Promise<void>) | undefined;

function prefixed(name: string, stream: NodeJS.ReadableStream, out: NodeJS.WritableStream) {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString();
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
}

function installed(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitHealthy(component: Component, child: ChildProcess, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${component.name} exited with code ${child.exitCode} while starting`);
    try {
      if ((await fetch(component.url + component.health)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(
    `${component.name} did not answer ${component.url}${component.health} within ${timeoutMs / 1000} s`,
  );
}

async function launch(component: Component) {
  const started = Date.now();
  say(`starting ${component.name} …`);
  const child = spawn(component.command === 'node' ? process.execPath : component.command, component.args, {
    cwd: path.join(root, component.cwd ?? '.'),
    env: { ...env, INIT_CWD: root, ...component.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(component.name, child);
  prefixed(component.name, child.stdout!, process.stdout);
  prefixed(component.name, child.stderr!, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(component.name);
    if (!stopping)
      say(
        `!! ${component.name} stopped unexpectedly (${signal ?? `exit code ${code}`}); the rest keep running`,
      );
  });
  await waitHealthy(component, child);
  say(`${component.name} is up (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function main() {
  mkdirSync(dataDir, { recursive: true });
  const running: Component[] = [];
  const skipped: Component[] = [];
  for (const component of appComponents()) {
    await launch(component);
    running.push(component);
  }
  if (!env.SMTP_SMARTHOST) {
    const mail = await startMailSink(Number(ports.smtp), path.join(dataDir, 'mail'));
    closeMail = mail.close;
    say(
      `mail sink listening on 127.0.0.1:${ports.smtp}; alert emails land in ${path.relative(root, dataDir)}/mail`,
    );
  }
  for (const component of monitoringComponents()) {
    if (!installed(component.command)) {
      say(
        `!! ${component.command} is not installed; running without ${component.name}. Install: ${component.install}`,
      );
      skipped.push(component);
      continue;
    }
    await launch(component);
    running.push(component);
  }
  const width = Math.max(...running.map((c) => c.name.length));
  say('the stack is running (Ctrl-C stops it):');
  for (const c of running)
    process.stdout.write(`  ${c.name.padEnd(width)}  ${c.url}${c.note ? `  (${c.note})` : ''}\n`);
  for (const c of skipped) process.stdout.write(`  ${c.name.padEnd(width)}  not installed: ${c.install}\n`);
  say('simulated students: npm run demo');
}

function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  say(`stopping (${signal}) …`);
  for (const child of children.values()) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 10_000).unref();
  const check = setInterval(() => {
    if (children.size > 0) return;
    clearInterval(check);
    clearTimeout(force);
    void (closeMail?.() ?? Promise.resolve()).finally(() => {
      say('stopped');
      process.exit(process.exitCode ?? 0);
    });
  }, 100);
}

process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
main().catch((error: Error) => {
  say(`failed: ${error.message}`);
  process.exitCode = 1;
  stop('SIGTERM');
});
