import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** Running and not a zombie (a child whose parent was killed waits for PID 1 to collect it). */
function running(pid: number) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

describe("the tests' own processes", () => {
  it('stop when the test process that started them is killed, which runs no cleanup', async () => {
    // A test process (as a vitest worker) starts a server through testkit, then is killed -9.
    const script = `
      import { spawn } from 'node:child_process';
      import { trackProcess } from '@brainbytes/testkit/processes';
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      trackProcess(child, 'http://127.0.0.1:1', 1);
      console.log(child.pid);
      setInterval(() => {}, 1000);`;
    const tester = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve) =>
      tester.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
    );
    expect(running(pid)).toBe(true);
    tester.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (running(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const left = running(pid);
    if (left) process.kill(pid, 'SIGKILL');
    expect(left, `process ${pid} outlived the test process that started it`).toBe(false);
  });
});
