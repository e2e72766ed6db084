/**
 * What the README's two commands need from this machine, checked (and, where it can, set up)
 * before they run — `npm test` runs `setup test` first, `npm start` runs `setup start`:
 *
 * - Debian packages: the real Prometheus, Alertmanager, reference Pushgateway, exporters and
 *   Chromium the tests run against (`npm start` wants Prometheus, Alertmanager and the node
 *   exporter, and runs without them). Missing ones are installed with apt-get when this runs as
 *   root on a Debian machine, saying what and why; otherwise it stops (test) or warns (start)
 *   with the one command to run. `BRAINBYTES_SETUP=check` only checks.
 * - moto (CloudWatch's stand-in for the exporter's tests), with pip when missing.
 * - PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) for the tests: started when they are
 *   installed but not answering.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

type Purpose = 'test' | 'start';

interface Need {
  pkg: string;
  /** A command on PATH, or (starting with /) a path, that shows the package is installed. */
  binary: string;
  why: string;
  for: Purpose[];
}

export const NEEDS: Need[] = [
  { pkg: 'prometheus', binary: 'prometheus', why: 'rules, scrapes and promtool', for: ['test', 'start'] },
  {
    pkg: 'prometheus-alertmanager',
    binary: 'prometheus-alertmanager',
    why: 'alert routing',
    for: ['test', 'start'],
  },
  {
    pkg: 'prometheus-node-exporter',
    binary: 'prometheus-node-exporter',
    why: 'host metrics',
    for: ['test', 'start'],
  },
  {
    pkg: 'prometheus-blackbox-exporter',
    binary: 'prometheus-blackbox-exporter',
    why: 'probes of the public entries, as a student sees them',
    for: ['test', 'start'],
  },
  {
    pkg: 'prometheus-pushgateway',
    binary: 'prometheus-pushgateway',
    why: 'the reference gateway',
    for: ['test'],
  },
  {
    pkg: 'prometheus-postgres-exporter',
    binary: 'prometheus-postgres-exporter',
    why: 'PostgreSQL metrics',
    for: ['test'],
  },
  {
    pkg: 'prometheus-redis-exporter',
    binary: 'prometheus-redis-exporter',
    why: 'Redis metrics',
    for: ['test'],
  },
  { pkg: 'chromium', binary: 'chromium', why: 'the student app in a real browser', for: ['test'] },
  {
    pkg: 'golang-go',
    binary: 'go',
    why: 'building a Go batch job that pushes with client_golang',
    for: ['test'],
  },
  {
    pkg: 'golang-github-prometheus-client-golang-dev',
    binary: '/usr/share/gocode/src/github.com/prometheus/client_golang/prometheus/push',
    why: 'client_golang, the most used Pushgateway client (GOPATH mode, no network)',
    for: ['test'],
  },
  {
    pkg: 'python3-prometheus-client',
    binary: '/usr/lib/python3/dist-packages/prometheus_client',
    why: 'Python’s Pushgateway client (push, pushadd, delete, base64 grouping, basic auth)',
    for: ['test'],
  },
];

const say = (line: string) => process.stdout.write(`[setup] ${line}\n`);
const has = (binary: string) =>
  binary.startsWith('/') ? existsSync(binary) : spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
const run = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'inherit' }).status === 0;

function canInstall(): boolean {
  return process.getuid?.() === 0 && has('apt-get') && process.env.BRAINBYTES_SETUP !== 'check';
}

/** Missing Debian packages: installed when possible; returns the ones still missing. */
function debianPackages(purpose: Purpose): Need[] {
  const missing = NEEDS.filter((n) => n.for.includes(purpose) && !has(n.binary));
  if (!missing.length) return [];
  const list = missing.map((n) => n.pkg).join(' ');
  if (!canInstall()) return missing;
  for (const n of missing) say(`installing ${n.pkg} (${n.why}) …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  if (!apt(['update', '-q']) || !apt(['install', '-y', '-q', '--no-install-recommends', ...list.split(' ')]))
    say(`apt-get could not install ${list}`);
  return missing.filter((n) => !has(n.binary));
}

function moto(): boolean {
  if (has('moto_server')) return true;
  if (process.env.BRAINBYTES_SETUP === 'check' || !(has('pip') || has('pip3'))) return false;
  say("installing moto[server] with pip (CloudWatch's stand-in for the exporter's tests) …");
  return run(has('pip') ? 'pip' : 'pip3', ['install', '--quiet', 'moto[server]']) && has('moto_server');
}

function answering(check: string[]): boolean {
  return spawnSync(check[0] as string, check.slice(1), { stdio: 'ignore' }).status === 0;
}

async function waitFor(check: string[], seconds: number) {
  for (let i = 0; i < seconds * 5; i++) {
    if (answering(check)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** PostgreSQL and Redis, started as this machine's env doc starts them when they are down. */
async function services(): Promise<string[]> {
  const problems: string[] = [];
  const redis = ['redis-cli', '-h', '127.0.0.1', '-p', '6379', 'ping'];
  if (!answering(redis) && has('redis-server') && process.getuid?.() === 0) {
    say('Redis is not answering on 127.0.0.1:6379; starting it …');
    execFileSync('sh', ['-c', 'mkdir -p /var/lib/redis /var/log/redis']);
    run('redis-server', [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '-::1',
      '--port',
      '6379',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      '/var/lib/redis',
      '--logfile',
      '/var/log/redis/ci.log',
    ]);
  }
  if (!(await waitFor(redis, 10)))
    problems.push(
      'Redis is not answering on 127.0.0.1:6379: start it (`redis-server --daemonize yes --port 6379`)',
    );
  const postgres = ['pg_isready', '-h', '127.0.0.1', '-p', '5432'];
  if (has('pg_isready') && !answering(postgres) && has('pg_ctlcluster') && process.getuid?.() === 0) {
    say('PostgreSQL is not answering on 127.0.0.1:5432; starting it …');
    const [version] = readdirSync('/etc/postgresql');
    run('pg_ctlcluster', ['--skip-systemctl-redirect', String(version), 'main', 'start']);
  }
  if (!has('pg_isready') || !(await waitFor(postgres, 10)))
    problems.push(
      'PostgreSQL is not answering on 127.0.0.1:5432 (trust auth, database `test`): start it (`pg_ctlcluster <version> main start`)',
    );
  return problems;
}

async function main() {
  const purpose = process.argv[2] as Purpose;
  if (purpose !== 'test' && purpose !== 'start') {
    console.error('usage: tsx scripts/setup/main.ts test|start');
    process.exit(2);
  }
  const missing = debianPackages(purpose);
  const problems: string[] = [];
  if (missing.length)
    problems.push(
      `missing Debian packages (${missing.map((n) => `${n.pkg}: ${n.why}`).join('; ')}): run  sudo apt-get install -y ${missing.map((n) => n.pkg).join(' ')}`,
    );
  if (purpose === 'test') {
    if (!moto())
      problems.push("moto_server is missing (the CloudWatch tests need it): run  pip install 'moto[server]'");
    problems.push(...(await services()));
  }
  if (!problems.length) {
    say(`this machine has what \`npm ${purpose}\` needs`);
    return;
  }
  for (const p of problems) say(`${purpose === 'test' ? 'STOP' : 'note'}: ${p}`);
  if (purpose === 'test') {
    say(
      'the tests run against these real binaries and services and would fail without them; fix the above and run `npm test` again',
    );
    process.exit(1);
  }
  say('`npm start` runs without them (each part it cannot start is named again below)');
}

// Run as a script (npm test's pretest, npm start); imported, it only lends its list of packages.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
