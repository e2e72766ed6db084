/**
 * `npm start`: the whole local stack on embedded defaults. Starts each component in order (each
 * waits for the ones before it to answer), prints progress and then where everything is, and stops
 * every child on Ctrl-C. A Debian binary that is missing is named with its install command and the
 * rest runs without it; a child that dies is reported with its exit code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startMailSink } from './mail-sink';
import {
  appComponents,
  type Component,
  dataDir,
  installed,
  monitoringComponents,
  ports,
  root,
} from './stack';

const env = process.env;

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
