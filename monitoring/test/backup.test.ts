import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, type RunningProcess, startPrometheus } from '@brainbytes/testkit/services';
import { afterAll, expect, it } from 'vitest';
import { freePort, requireBinary } from './helpers/render';

const run = promisify(execFile);
const promtool = requireBinary('promtool', 'prometheus');
const cli = (...args: string[]) =>
  run('npx', ['tsx', 'src/cli/backup.ts', ...args], { cwd: join(import.meta.dirname, '..') });

const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
});

async function rangeOf(prometheus: string, query: string, start: number, end: number) {
  const url = `${prometheus}/api/v1/query_range?${new URLSearchParams({ query, start: String(start), end: String(end), step: '15' })}`;
  const body = (await (await fetch(url)).json()) as { data: { result: unknown[] } };
  return body.data.result;
}

it('backs Prometheus up through the admin API and restores it: a new Prometheus on the restored data answers the same', async () => {
  // A week-old block (backfilled) and the head (Prometheus scraping itself every second).
  const dataDir = mkdtempSync(join(tmpdir(), 'bb-backup-src-'));
  const now = Math.floor(Date.now() / 1000);
  const old = now - 7 * 86400;
  const lines = Array.from(
    { length: 60 },
    (_, i) => `brainbytes_backup_probe{app="api"} ${i * 1.5} ${old + i * 15}`,
  );
  writeFileSync(join(dataDir, 'old.om'), `${lines.join('\n')}\n# EOF\n`);
  await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', join(dataDir, 'old.om'), dataDir]);
  const config = join(dataDir, 'prometheus.yml');
  const port = await freePort();
  writeFileSync(
    config,
    `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: prometheus\n    static_configs: [{ targets: ["127.0.0.1:${port}"] }]\n`,
  );
  const source = await startPrometheus(config, port, dataDir, ['--web.enable-admin-api']);
  running.push(source);
  const scraped = await eventually(
    'a self-scrape in the head block',
    async () => {
      const samples = await rangeOf(
        source.url,
        'up{job="prometheus"}',
        now - 60,
        Math.floor(Date.now() / 1000),
      );
      const values = (samples[0] as { values?: unknown[] } | undefined)?.values ?? [];
      return values.length >= 1 ? values : undefined;
    },
    30_000,
  );
  const cutoff = Math.ceil(Number((scraped.at(-1) as [number, string])[0]));

  const out = join(mkdtempSync(join(tmpdir(), 'bb-backup-out-')), 'prometheus.tar.gz');
  const { stdout } = await cli('--prometheus', source.url, '--data-dir', dataDir, '--out', out);
  expect(stdout).toMatch(/snapshot \S+: \d+ blocks; packing/);
  const restoredDir = join(mkdtempSync(join(tmpdir(), 'bb-backup-dst-')), 'prometheus');
  await cli('--restore', out, '--data-dir', restoredDir);
  // Restoring over data is refused, with what to do instead.
  await expect(cli('--restore', out, '--data-dir', dataDir)).rejects.toMatchObject({
    stderr: expect.stringContaining('is not empty: restore into a new folder'),
  });

  writeFileSync(join(restoredDir, '..', 'empty.yml'), 'global: {}\n');
  const restored = await startPrometheus(join(restoredDir, '..', 'empty.yml'), undefined, restoredDir);
  running.push(restored);
  for (const [query, start, end] of [
    ['brainbytes_backup_probe', old, old + 900],
    ['up{job="prometheus"}', now - 60, cutoff],
  ] as const) {
    const before = await rangeOf(source.url, query, start, end);
    expect(before.length, query).toBe(1);
    expect(await rangeOf(restored.url, query, start, end), query).toEqual(before);
  }
}, 120_000);

it('says what to do when the admin API is off', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bb-backup-off-'));
  writeFileSync(join(dataDir, 'prometheus.yml'), 'global: {}\n');
  const prometheus = await startPrometheus(join(dataDir, 'prometheus.yml'), undefined, dataDir);
  running.push(prometheus);
  await expect(
    cli('--prometheus', prometheus.url, '--data-dir', dataDir, '--out', join(dataDir, 'x.tgz')),
  ).rejects.toMatchObject({
    stderr: expect.stringContaining('start Prometheus with --web.enable-admin-api'),
  });
}, 60_000);

it('refuses a snapshot name that is not one folder name, and deletes nothing outside the data folder (B1)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'bb-backup-hostile-'));
  const dataDir = join(root, 'data');
  mkdirSync(join(dataDir, 'snapshots'), { recursive: true });
  mkdirSync(join(root, 'victim'));
  writeFileSync(join(root, 'victim', 'precious.txt'), 'keep me');
  // A Prometheus that is not one (or one in the middle of the wire) answering with a path.
  const hostile = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { name: '../../victim' } }));
  });
  await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    await expect(
      cli('--prometheus', url, '--data-dir', dataDir, '--out', join(root, 'x.tgz')),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('which is not one folder name') });
    expect(readFileSync(join(root, 'victim', 'precious.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(root, 'x.tgz'))).toBe(false);
  } finally {
    hostile.close();
  }
}, 60_000);

it('refuses to restore a backup holding a link out of the data folder or a ../ entry (B2)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'bb-backup-links-'));
  const packed = join(root, 'packed');
  mkdirSync(join(packed, '01HBLOCK'), { recursive: true });
  writeFileSync(join(packed, '01HBLOCK', 'meta.json'), '{}');
  symlinkSync('/etc', join(packed, '01HBLOCK', 'chunks'));
  await run('tar', ['-czf', join(root, 'links.tgz'), '-C', packed, '.']);
  await expect(
    cli('--restore', join(root, 'links.tgz'), '--data-dir', join(root, 'restored')),
  ).rejects.toMatchObject({
    stderr: expect.stringContaining('not a plain file or folder'),
  });
  expect(existsSync(join(root, 'restored', '01HBLOCK', 'chunks'))).toBe(false);

  // A ../ entry (GNU tar would skip it, but the backup is refused whole, not half-restored).
  writeFileSync(join(root, 'outside.txt'), 'x');
  await run('tar', [
    '-czPf', // -P keeps the ../ that tar would strip
    join(root, 'dotdot.tgz'),
    '-C',
    packed,
    '--exclude=01HBLOCK/chunks',
    '01HBLOCK',
    '../outside.txt',
  ]);
  await expect(
    cli('--restore', join(root, 'dotdot.tgz'), '--data-dir', join(root, 'restored2')),
  ).rejects.toMatchObject({
    stderr: expect.stringContaining('outside the data folder'),
  });
  expect(existsSync(join(root, 'restored2'))).toBe(false);
}, 60_000);
