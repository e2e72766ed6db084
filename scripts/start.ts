/**
 * `npm start`: the local stack on embedded defaults. Starts each component from its built bundle,
 * waits for it to answer, prints where everything is, and stops every child on Ctrl-C. A child
 * that dies is reported with its exit code; the others keep running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Component {
  name: string;
  dir: string;
  /** Node's arguments: the bundle to run (relative to `dir`) and its own arguments. */
  args: string[];
  url: string;
  health: string;
  env?: Record<string, string>;
  note?: string;
}

const gatewayPort = process.env.PUSHGATEWAY_PORT ?? '9091';
const exporterPort = process.env.HEROKU_EXPORTER_PORT ?? '9595';
const aiPort = process.env.AI_PORT ?? '3002';
const apiPort = process.env.API_PORT ?? '3000';
const webPort = process.env.WEB_PORT ?? '3001';
const components: Component[] = [
  {
    name: 'pushgateway',
    dir: 'pushgateway',
    args: ['--enable-source-maps', 'dist/main.mjs'],
    url: `http://127.0.0.1:${gatewayPort}`,
    health: '/-/healthy',
    env: { PUSHGATEWAY_PORT: gatewayPort },
  },
  {
    name: 'heroku-exporter',
    dir: 'exporters/heroku',
    args: ['--enable-source-maps', 'dist/main.mjs'],
    url: `http://127.0.0.1:${exporterPort}`,
    health: '/-/healthy',
    env: {
      HEROKU_EXPORTER_PORT: exporterPort,
      HEROKU_EXPORTER_HOST: process.env.HEROKU_EXPORTER_HOST ?? '127.0.0.1',
    },
    note: process.env.HEROKU_API_TOKEN ? 'Platform API + drain' : 'drain receiver only (no HEROKU_API_TOKEN)',
  },
  {
    name: 'ai',
    dir: 'functions',
    args: ['--enable-source-maps', 'dist/ai.mjs'],
    url: `http://127.0.0.1:${aiPort}`,
    health: '/ai/health',
    env: {
      AI_PORT: aiPort,
      PUSHGATEWAY_URL: process.env.PUSHGATEWAY_URL ?? `http://127.0.0.1:${gatewayPort}`,
    },
    note: process.env.OPENAI_API_KEY
      ? `AI provider ${process.env.AI_MODEL ?? 'gpt-4o-mini'}`
      : 'offline tutor (no OPENAI_API_KEY)',
  },
  {
    name: 'api',
    dir: 'functions',
    args: ['--enable-source-maps', 'dist/api.mjs'],
    url: `http://127.0.0.1:${apiPort}`,
    health: '/api/health',
    env: {
      API_PORT: apiPort,
      AI_URL: `http://127.0.0.1:${aiPort}`,
      PUSHGATEWAY_URL: process.env.PUSHGATEWAY_URL ?? `http://127.0.0.1:${gatewayPort}`,
    },
    note: process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'PGlite in .data/pglite (no DATABASE_URL)',
  },
  {
    name: 'web',
    dir: 'web',
    args: [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', webPort, '-H', '127.0.0.1'],
    url: `http://127.0.0.1:${webPort}`,
    health: '/login',
    env: { BRAINBYTES_API_URL: `http://127.0.0.1:${apiPort}`, NEXT_TELEMETRY_DISABLED: '1' },
    note: 'the student app; /api goes to the API',
  },
];

const say = (line: string) => process.stdout.write(`[start] ${line}\n`);
const children = new Map<string, ChildProcess>();
let stopping = false;

function prefixed(name: string, stream: NodeJS.ReadableStream, out: NodeJS.WritableStream) {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString();
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
}

async function waitHealthy(component: Component, child: ChildProcess, timeoutMs = 30_000) {
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

async function main() {
  for (const component of components) {
    say(`starting ${component.name} …`);
    const child = spawn(process.execPath, component.args, {
      cwd: path.join(root, component.dir),
      env: { ...process.env, INIT_CWD: root, ...component.env },
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
    say(`${component.name} is up`);
  }
  const width = Math.max(...components.map((c) => c.name.length));
  say('the stack is running (Ctrl-C stops it):');
  for (const c of components)
    process.stdout.write(`  ${c.name.padEnd(width)}  ${c.url}${c.note ? `  (${c.note})` : ''}\n`);
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
    say('stopped');
    process.exit(0);
  }, 100);
}

process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
main().catch((error: Error) => {
  say(`failed: ${error.message}`);
  stop('SIGTERM');
  process.exitCode = 1;
});
