/**
 * The rehearsal's processes: each started the way its platform starts it, with nothing of this
 * shell's environment but PATH, HOME and TMPDIR, so only the config vars we pass reach it (as on
 * Heroku). Output goes to one log file per process; the tail is printed when something fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';

const began = Date.now();
const clock = () => {
  const s = Math.floor((Date.now() - began) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
/** Progress, stamped with the time since the rehearsal began. */
export const say = (line: string) => process.stdout.write(`[rehearse ${clock()}] ${line}\n`);

export interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
  /** SIGTERM (a dyno's shutdown), then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

const running = new Set<Proc>();
/** Set by stopAll: a scenario still running after an interruption starts nothing more. */
let closed = false;

export function cleanEnv(vars: Record<string, string>): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  return {
    ...Object.fromEntries(keep.filter((k) => process.env[k]).map((k) => [k, process.env[k] as string])),
    ...vars,
  };
}

export function start(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; logDir: string },
): Proc {
  if (closed) throw new Error(`not starting ${name}: the rehearsal is stopping`);
  const log = path.join(options.logDir, `${name}.log`);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: stop() reaches the dyno's children too
  });
  const write = (chunk: Buffer) => appendFileSync(log, chunk);
  child.stdout?.on('data', write);
  child.stderr?.on('data', write);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: Proc = {
    name,
    child,
    log,
    async stop() {
      running.delete(proc);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const group = (signal: NodeJS.Signals) => {
        try {
          process.kill(-(child.pid as number), signal);
        } catch {
          // already gone
        }
      };
      group('SIGTERM');
      const force = setTimeout(() => group('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    },
  };
  running.add(proc);
  return proc;
}

export function tail(proc: Proc, lines = 25): string {
  try {
    return readFileSync(proc.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

export async function stopAll() {
  closed = true;
  await Promise.all([...running].map((p) => p.stop()));
}

/** Polls `url` until it answers 2xx; fails naming the process and showing its last output. */
export async function waitReady(
  proc: Proc,
  url: string,
  timeoutMs = 90_000,
  headers: Record<string, string> = {},
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null)
      throw new Error(`${proc.name} exited with code ${proc.child.exitCode} while starting:\n${tail(proc)}`);
    try {
      if ((await fetch(url, { headers, signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${proc.name} did not answer ${url} within ${timeoutMs / 1000} s:\n${tail(proc)}`);
}

export const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
