import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { splitUrlCredentials } from '@brainbytes/telemetry/service';

/**
 * Prometheus backups: a TSDB snapshot through the admin API, packed into one file to copy off the
 * machine, and a restore into an empty data folder for a new Prometheus.
 *
 *   npm run backup -w monitoring -- --prometheus http://127.0.0.1:9090 --data-dir .data/prometheus --out prometheus.tar.gz
 *   npm run backup -w monitoring -- --restore prometheus.tar.gz --data-dir /new/prometheus
 *
 * The snapshot is written by Prometheus into <data-dir>/snapshots, so this runs where Prometheus's
 * disk is (the machine, `docker compose exec`, not a Heroku dyno: see monitoring/heroku/README.md).
 */
const say = (line: string) => process.stdout.write(`${line}\n`);

function fail(message: string): never {
  process.stderr.write(`backup: ${message}\n`);
  process.exit(1);
}

export async function backup(prometheus: string, dataDir: string, out: string) {
  const { base, headers } = splitUrlCredentials(prometheus);
  say(`asking ${base} for a TSDB snapshot …`);
  const res = await fetch(`${base}/api/v1/admin/tsdb/snapshot`, { method: 'POST', headers }).catch(
    (error: Error) => fail(`cannot reach Prometheus at ${base} (${error.message}): is it running?`),
  );
  const body = res.ok ? '' : await res.text();
  if (res.status === 404 || res.status === 405 || body.includes('admin APIs disabled'))
    fail(
      'the admin API is off: start Prometheus with --web.enable-admin-api (npm start and the dyno entrypoint do, behind loopback or basic auth)',
    );
  if (res.status === 401)
    fail('Prometheus wants credentials: put them in the URL, https://user:password@host');
  if (!res.ok) fail(`Prometheus answered ${res.status}: ${body.slice(0, 200)}`);
  const { data } = (await res.json()) as { data?: { name?: unknown } };
  const name = data?.name;
  // One path segment, as Prometheus names its snapshots (20240101T000000Z-0123456789abcdef): the
  // folder is packed and then deleted, so a name such as ../../victim must never reach the disk.
  if (typeof name !== 'string' || !/^[\w.-]{1,128}$/.test(name) || /^\.+$/.test(name))
    fail(
      `Prometheus answered the snapshot name ${JSON.stringify(name)?.slice(0, 80)}, which is not one folder name: is ${base} the Prometheus you meant?`,
    );
  const snapshot = path.join(dataDir, 'snapshots', name);
  if (!existsSync(snapshot))
    fail(
      `snapshot ${name} is not in ${dataDir}/snapshots: is --data-dir the folder this Prometheus writes to?`,
    );
  const blocks = readdirSync(snapshot).filter((f) => statSync(path.join(snapshot, f)).isDirectory());
  say(`snapshot ${name}: ${blocks.length} blocks; packing into ${out} …`);
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  execFileSync('tar', ['-czf', path.resolve(out), '-C', snapshot, '.']);
  rmSync(snapshot, { recursive: true, force: true }); // hard links into the TSDB: the file is the copy
  say(
    `done: ${out} (${(statSync(out).size / 1024).toFixed(1)} KiB). Copy it off this machine (scp, aws s3 cp …).`,
  );
}

export function restore(from: string, dataDir: string) {
  if (!existsSync(from)) fail(`no backup at ${from}`);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    fail(
      `${dataDir} is not empty: restore into a new folder and start Prometheus with --storage.tsdb.path=${dataDir}`,
    );
  refuseEscapingEntries(from);
  mkdirSync(dataDir, { recursive: true });
  say(`restoring ${from} into ${dataDir} …`);
  execFileSync('tar', [
    '-xzf',
    path.resolve(from),
    '-C',
    dataDir,
    '--no-same-owner',
    '--no-same-permissions',
  ]);
  // And after: nothing in the folder may be a link (a TSDB snapshot is folders and plain files).
  const links = linksUnder(dataDir);
  if (links.length) {
    rmSync(dataDir, { recursive: true, force: true });
    fail(`${from} holds links (${links.slice(0, 3).join(', ')}); nothing was restored`);
  }
  say(
    `done: start Prometheus with --storage.tsdb.path=${dataDir} (and a retention longer than the backup's age)`,
  );
}

/**
 * Refuses a backup whose entries would leave the data folder: an absolute name, a `..` segment, or
 * a link of either kind. Prometheus's snapshots hold folders and plain files only.
 */
function refuseEscapingEntries(from: string) {
  const listing = execFileSync('tar', ['-tvzf', path.resolve(from), '--quoting-style=escape'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  for (const line of listing.split('\n').filter(Boolean)) {
    const kind = line[0];
    // GNU tar's verbose line: mode, owner, size, date, time, name.
    const entry = line.split(/\s+/).slice(5).join(' ');
    if (kind !== '-' && kind !== 'd')
      fail(`${from} holds ${entry}, which is not a plain file or folder (a link?); nothing was restored`);
    if (entry.startsWith('/') || entry.split('/').includes('..'))
      fail(`${from} holds ${entry}, which would be written outside the data folder; nothing was restored`);
  }
}

function linksUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isSymbolicLink()) found.push(path.join(entry.parentPath, entry.name));
  }
  return found;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({
    options: {
      prometheus: { type: 'string' },
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      restore: { type: 'string' },
    },
  });
  const dataDir =
    values['data-dir'] ?? fail('--data-dir is required: the Prometheus data folder (--storage.tsdb.path)');
  if (values.restore) restore(values.restore, dataDir);
  else
    await backup(
      values.prometheus ?? fail('--prometheus is required, e.g. http://127.0.0.1:9090'),
      dataDir,
      values.out ?? `prometheus-${new Date().toISOString().slice(0, 10)}.tar.gz`,
    );
}
