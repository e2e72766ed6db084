import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../scripts/rehearse/scenarios';

/**
 * `npm run rehearse` as part of `npm test`: the documented deployment built on this machine, a
 * scripted day played against it, and exactly the right emails. (The npm script builds first;
 * here CI has built already, so the rehearsal itself runs.)
 */
const root = fileURLToPath(new URL('..', import.meta.url));
/** Nice -10: about nine times the CPU share of a process at the default 0 when both want it. */
const REHEARSAL_NICENESS = -10;

describe('the production rehearsal', () => {
  it('emails exactly whom each scenario should reach, and no one else', {
    timeout: 25 * 60_000,
  }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/rehearse/main.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The rest of the suite runs beside it: the rehearsal's processes (all started by this one,
    // after this line, so they inherit it) come first for the CPU, so the suite's load cannot make
    // the API slow enough to alert. Raising a priority needs root (CI has it); otherwise say so.
    try {
      setPriority(child.pid ?? 0, REHEARSAL_NICENESS);
    } catch (error) {
      console.warn(
        `could not give the rehearsal priority (${(error as Error).message}); with BRAINBYTES_TEST_WORKERS=1 nothing runs beside it`,
      );
    }
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) console.error(output);
    expect(code, output.slice(-6000)).toBe(0);
    const rows = output.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| scenario'));
    expect(rows.map((row) => row.split(' | ')[0]?.slice(2))).toEqual(SCENARIOS.map((s) => s.name));
    for (const row of rows) expect(row.trimEnd().endsWith('| 0 |'), row).toBe(true);
  });
});
