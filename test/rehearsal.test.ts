import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SCENARIOS } from '../scripts/rehearse/scenarios';

/**
 * `npm run rehearse` as part of `npm test`: the documented deployment built on this machine, a
 * scripted day played against it, and exactly the right emails. (The npm script builds first;
 * here CI has built already, so the rehearsal itself runs.)
 */
const root = fileURLToPath(new URL('..', import.meta.url));

/** Whether anything still accepts connections on the port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * `scripts/rehearse/main.ts` as a child, its output collected. However the test ends (a failure, its
 * timeout), the rehearsal is interrupted and stops its stack before the next test begins.
 */
function rehearse(onOutput: (output: string) => void = () => {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/rehearse/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { child, output: '', exited: new Promise<number | null>((r) => child.once('exit', r)) };
  const collect = (d: Buffer) => {
    run.output += d;
    onOutput(run.output);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await Promise.race([run.exited, new Promise((r) => setTimeout(r, 60_000))]);
  });
  return run;
}

describe('the production rehearsal', () => {
  it('stopped with Ctrl-C, leaves nothing of its stack running', { timeout: 5 * 60_000 }, async () => {
    let up = () => {};
    const stackUp = new Promise<void>((resolve) => {
      up = resolve;
    });
    const run = rehearse((output) => output.includes('students start') && up());
    await Promise.race([
      stackUp,
      run.exited.then(() => {
        throw new Error(`the rehearsal ended before its stack was up:\n${run.output}`);
      }),
    ]);
    const dir = /process logs in (\S+)/.exec(run.output)?.[1] as string;
    const urls: Record<string, number> = JSON.parse(readFileSync(path.join(dir, 'stack.json'), 'utf8')).urls;
    /** The parts of the stack that accept connections now, by name. */
    const answering = async () => {
      const names = Object.keys(urls);
      const open = await Promise.all(names.map((name) => listening(urls[name] as number)));
      return names.filter((_, i) => open[i]);
    };
    expect(await answering()).toEqual(Object.keys(urls));
    run.child.kill('SIGINT');
    expect(await run.exited, run.output.slice(-3000)).toBe(130);
    expect(await answering(), 'still answering after the rehearsal exited').toEqual([]);
  });

  it('emails exactly whom each scenario should reach, and no one else', {
    timeout: 25 * 60_000,
  }, async () => {
    const run = rehearse();
    const code = await run.exited;
    const output = run.output;
    if (code !== 0) console.error(output);
    expect(code, output.slice(-6000)).toBe(0);
    const rows = output.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| scenario'));
    expect(rows.map((row) => row.split(' | ')[0]?.slice(2))).toEqual(SCENARIOS.map((s) => s.name));
    for (const row of rows) expect(row.trimEnd().endsWith('| 0 |'), row).toBe(true);
  });
});
