import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NEEDS } from '../scripts/setup/main';

/**
 * The README's `npm test` and `npm start` check the machine first (scripts/setup/main.ts). Run
 * here with a PATH that holds every binary but the ones a case leaves out, in check-only mode.
 */
const which = (binary: string) =>
  spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).stdout.trim();

function machineWithout(absent: string[]) {
  const bin = mkdtempSync(join(tmpdir(), 'bb-setup-path-'));
  const present = [
    'sh',
    'node',
    'redis-cli',
    'pg_isready',
    'moto_server',
    // A need shown by a path (a Go library) is found by that path, whatever PATH holds.
    ...NEEDS.map((n) => n.binary).filter((b) => !b.startsWith('/')),
  ].filter((b) => !absent.includes(b));
  for (const binary of present) {
    const path = which(binary);
    if (!path)
      throw new Error(`${binary} is not installed here: run  npm test  once (its setup installs it)`);
    symlinkSync(path, join(bin, binary));
  }
  return bin;
}

function setup(purpose: string, path: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/setup/main.ts', purpose], {
    encoding: 'utf8',
    env: { ...process.env, PATH: path, BRAINBYTES_SETUP: 'check' },
  });
  return { status: result.status, out: result.stdout + result.stderr };
}

describe('the machine check before npm test and npm start', () => {
  it('passes on a machine that has everything', () => {
    const { status, out } = setup('test', machineWithout([]));
    expect(out).toContain('this machine has what `npm test` needs');
    expect(status).toBe(0);
  });

  it('stops npm test with the one command that installs what is missing, and why it is needed', () => {
    const { status, out } = setup('test', machineWithout(['chromium', 'prometheus-pushgateway']));
    expect(status).toBe(1);
    expect(out).toContain('run  sudo apt-get install -y prometheus-pushgateway chromium');
    expect(out).toContain('chromium: the student app in a real browser');
  });

  it('lets npm start go on without the monitoring binaries, naming them', () => {
    const { status, out } = setup('start', machineWithout(['prometheus-alertmanager']));
    expect(status).toBe(0);
    expect(out).toContain('sudo apt-get install -y prometheus-alertmanager');
  });

  it('names moto when the CloudWatch tests cannot run', () => {
    const { status, out } = setup('test', machineWithout(['moto_server']));
    expect(status).toBe(1);
    expect(out).toContain("pip install 'moto[server]'");
  });
});
