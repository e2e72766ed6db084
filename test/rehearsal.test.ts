import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../scripts/rehearse/scenarios';

/**
 * `npm run rehearse` as part of `npm test`: the documented deployment built on this machine, a
 * scripted day played against it, and exactly the right emails. (The npm script builds first;
 * here CI has built already, so the rehearsal itself runs.)
 */
const root = fileURLToPath(new URL('..', import.meta.url));

describe('the production rehearsal', () => {
  it('emails exactly whom each scenario should reach, and no one else', {
    timeout: 25 * 60_000,
  }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/rehearse/main.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
