import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** What the deployment tests share: the repository's files, and processes started as a platform would. */
export const root = fileURLToPath(new URL('..', import.meta.url));
export const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** Procfile lines: `type: command`. */
export function procfile(): Record<string, string> {
  return Object.fromEntries(
    read('Procfile')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => {
        const m = /^([a-zA-Z0-9_-]+):\s*(.+)$/.exec(l);
        if (!m) throw new Error(`not a Procfile line: ${l}`);
        return [m[1] as string, m[2] as string];
      }),
  );
}

/** `run(command, args, env)` from the repository's root; every process is stopped after each test. */
export function processesStoppedAfterEach() {
  let children: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    children = [];
  });
  return function run(command: string, args: string[], env: Record<string, string>) {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    children.push(child);
    return { child, output: () => output };
  };
}
