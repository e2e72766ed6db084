import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsBrotli, BROTLI_DIR, loadPrecompressed, precompressBuild } from '../server/precompressed';
import { webDir } from './stack';

/** A build folder as `next build` leaves it: its id, a script, a stylesheet and a font. */
function fakeBuild(id: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bb-web-build-'));
  writeFileSync(join(dir, 'BUILD_ID'), id);
  mkdirSync(join(dir, 'static', 'chunks'), { recursive: true });
  writeFileSync(join(dir, 'static', 'chunks', 'a1.js'), 'console.log("a");'.repeat(200));
  writeFileSync(join(dir, 'static', 'chunks', 'b2.css'), 'body{margin:0}'.repeat(200));
  writeFileSync(join(dir, 'static', 'chunks', 'c3.woff2'), 'not text');
  return dir;
}

describe('the brotli copies of a build', () => {
  it('are made of its scripts and stylesheets only, and read back by URL path with their type', () => {
    const dir = fakeBuild('one');
    const made = precompressBuild(dir);
    expect(made.files).toBe(2);
    const { files, missing } = loadPrecompressed(dir);
    expect(missing).toBeUndefined();
    expect([...files.keys()].sort()).toEqual(['/_next/static/chunks/a1.js', '/_next/static/chunks/b2.css']);
    const js = files.get('/_next/static/chunks/a1.js')!;
    expect(js.type).toBe('application/javascript; charset=UTF-8');
    expect(brotliDecompressSync(js.body).equals(readFileSync(join(dir, 'static/chunks/a1.js')))).toBe(true);
    expect(files.get('/_next/static/chunks/b2.css')!.type).toBe('text/css; charset=UTF-8');
  });

  it('are not used when they are of another build, or when their making stopped half-way', () => {
    const dir = fakeBuild('one');
    precompressBuild(dir);
    writeFileSync(join(dir, 'BUILD_ID'), 'two'); // `next build` ran again, the copies did not
    expect(loadPrecompressed(dir)).toMatchObject({ missing: `${BROTLI_DIR} is of another build than two` });
    expect(loadPrecompressed(dir).files.size).toBe(0);
    expect(loadPrecompressed(fakeBuild('three'))).toMatchObject({ missing: `no ${BROTLI_DIR} in the build` });
  });
});

describe('Accept-Encoding', () => {
  it('takes brotli when br is named with a q above 0, or * is and br is not', () => {
    for (const yes of [
      'br',
      'gzip, deflate, br, zstd',
      'BR;q=0.5',
      'gzip;q=1, br ; q=0.001',
      '*',
      'gzip, *;q=0.1',
    ])
      expect(acceptsBrotli(yes), yes).toBe(true);
    for (const no of [
      undefined,
      '',
      'gzip',
      'br;q=0',
      'br;q=0.0, *',
      '*;q=0',
      'brotli',
      'br;q=x',
      'gzip, deflate',
    ])
      expect(acceptsBrotli(no), String(no)).toBe(false);
  });
});

describe('the web server', () => {
  it('refuses a bad port setting with exit code 2 and a line naming it', () => {
    const server = join(webDir, 'dist', 'server.mjs');
    for (const [env, says] of [
      [{ WEB_PORT: 'web' }, 'WEB_PORT="web" is not a TCP port (0-65535)'],
      [{ PORT: '70000' }, 'PORT="70000" is not a TCP port (0-65535)'],
    ] as const) {
      const run = spawnSync(process.execPath, [server], {
        env: { NODE_ENV: 'production', PATH: process.env.PATH, ...env },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status, JSON.stringify(env)).toBe(2); // as every process here (the README)
      expect(run.stderr).toContain(says);
    }
  });
});
