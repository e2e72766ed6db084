/**
 * `npm run bench -w pushgateway`: ours against Debian's prometheus-pushgateway, same load generator,
 * same machine, same run. Prints one table with the ratio ours/official for every row.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from '@brainbytes/testkit/ports';
import {
  type LoadResult,
  mergeLoads,
  PROTOBUF_DELIMITED,
  runLoad,
  twentySeries,
  twentySeriesOtlp,
  twentySeriesProtobuf,
} from './load';

const CLIENTS = 32;
const STORED = [0, 1000, 10_000];
const ROW_MS = Number(process.env.BENCH_ROW_MS ?? 8000);
const WARMUP_MS = 1000;
const WARMUP_OFFSET = 50_000_000;
const gatewayDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Gateway {
  name: 'official' | 'ours';
  url: string;
  child: ChildProcess;
}

function officialBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v prometheus-pushgateway'], { encoding: 'utf8' }).trim();
  } catch {
    process.stderr.write(
      'prometheus-pushgateway is not installed: run  sudo apt-get install -y prometheus-pushgateway\n',
    );
    process.exit(2);
  }
}

async function start(
  name: Gateway['name'],
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Gateway> {
  const port = await freePort();
  const child =
    name === 'official'
      ? spawn(
          officialBinary(),
          [`--web.listen-address=127.0.0.1:${port}`, '--web.enable-admin-api', '--log.level=error', ...args],
          {
            stdio: 'ignore',
          },
        )
      : spawn(process.execPath, ['dist/main.mjs'], {
          cwd: gatewayDir,
          env: { ...process.env, PUSHGATEWAY_PORT: String(port), LOG_LEVEL: 'error', ...env },
          stdio: 'ignore',
        });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/-/ready`, 60_000);
  return { name, url, child };
}

async function stop(gateway: Gateway) {
  const exited = new Promise((resolve) => gateway.child.once('exit', resolve));
  gateway.child.kill('SIGTERM');
  await exited;
}

const put = (pathname: string, seed: number) => ({ method: 'PUT', path: pathname, body: twentySeries(seed) });

async function populate(url: string, groups: number) {
  if (groups === 0) return;
  await runLoad({
    url,
    clients: CLIENTS,
    durationMs: 3_600_000,
    maxRequests: groups,
    request: (n) => put(`/metrics/job/stored/instance/${n}`, n),
  });
}

function rssMiB(gateway: Gateway): number {
  const status = fs.readFileSync(`/proc/${gateway.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function scrapeMs(url: string, gzip: boolean): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/metrics`, { headers: { 'Accept-Encoding': gzip ? 'gzip' : 'identity' } });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2]!;
}

const DISTINCT_SETS_ROW = 'PUT 10,000 series of a name 3,000 groups of distinct label-name sets hold (ms)';

/**
 * The cross-group duplicate check at its worst: 3,000 groups, each with its own set of grouping
 * label names, hold one series of a name; then pushes of 10,000 series of that name (median of 3).
 */
async function distinctLabelSetsMs(url: string): Promise<number> {
  await runLoad({
    url,
    clients: CLIENTS,
    durationMs: 3_600_000,
    maxRequests: 3000,
    request: (n) => ({
      method: 'PUT',
      path: `/metrics/job/sets/l${n}/x`,
      body: `shared_series{a="${n}"} 1\n`,
    }),
  });
  const times: number[] = [];
  for (let push = 0; push < 3; push++) {
    const body = Array.from({ length: 10_000 }, (_, i) => `shared_series{a="${i}",p="${push}"} 1\n`).join('');
    const t0 = performance.now();
    const res = await fetch(`${url}/metrics/job/sets-big/push/${push}`, { method: 'PUT', body });
    await res.arrayBuffer();
    if (res.status !== 200 && res.status !== 202) throw new Error(`big push answered ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[1]!;
}

const deltaRow = (label: string) => `delta POST 20 series, one group, ${label} (official: plain POST)`;
const otlpRow = (label: string) =>
  `OTLP/HTTP protobuf, 20 series (10 delta counters, 10 gauges), one resource, ${label}`;
/** Slices the delta and OTLP rows are measured in, alternately. */
const PAIRED_SLICES = 8;

type Rows = Map<string, { official?: LoadResult | number; ours?: LoadResult | number; unit: string }>;

async function measure(gateway: Gateway, stored: number, rows: Rows) {
  const record = (row: string, value: LoadResult | number, unit = 'pushes/s') => {
    const entry = rows.get(row) ?? { unit };
    entry[gateway.name] = value;
    rows.set(row, entry);
  };
  type Request = (n: number) => {
    method: string;
    path: string;
    body: string | Uint8Array;
    headers?: Record<string, string>;
  };
  // A second of the same requests first (other ids and values), so no row measures a cold JIT.
  const warmUp = (request: Request, maxRequests: number) =>
    runLoad({
      url: gateway.url,
      clients: CLIENTS,
      durationMs: WARMUP_MS,
      maxRequests: Math.min(1000, maxRequests / 10),
      request: (n) => request(WARMUP_OFFSET + n),
    });
  const done = (row: string, result: LoadResult) => {
    progress(
      `  ${result.perSecond.toFixed(1)} pushes/s, p50 ${result.p50ms.toFixed(1)} ms, p99 ${result.p99ms.toFixed(1)} ms`,
    );
    record(row, result);
  };
  const load = async (row: string, request: Request, maxRequests = 20_000) => {
    progress(`${gateway.name}: ${row}`);
    await warmUp(request, maxRequests);
    done(
      row,
      await runLoad({ url: gateway.url, clients: CLIENTS, durationMs: ROW_MS, maxRequests, request }),
    );
  };
  /**
   * Two rows whose ratio is a goal, measured in alternating slices of ROW_MS / PAIRED_SLICES each:
   * rows measured seconds apart differ by ±20 % here (a snapshot, a major GC), slices side by side
   * see the same machine.
   */
  const loadPair = async (rows: [string, Request][]) => {
    progress(`${gateway.name}: ${rows.map(([row]) => row).join(' | ')} (alternating)`);
    for (const [, request] of rows) await warmUp(request, 20_000);
    const slices: LoadResult[][] = rows.map(() => []);
    for (let slice = 0; slice < PAIRED_SLICES; slice++) {
      for (const [i, [, request]] of rows.entries()) {
        const offset = slice * 1_000_000;
        slices[i]!.push(
          await runLoad({
            url: gateway.url,
            clients: CLIENTS,
            durationMs: ROW_MS / PAIRED_SLICES,
            maxRequests: 20_000,
            request: (n) => request(offset + n),
          }),
        );
      }
    }
    for (const [i, [row]] of rows.entries()) done(row, mergeLoads(slices[i]!));
  };
  const label = `${stored.toLocaleString('en')} groups stored`;
  // Rows that keep the number of groups fixed come first; the distinct-groups row adds groups, so it
  // runs last and is capped at 2,000 pushes.
  await load(`PUT 20 series, one group, ${label}`, (n) => put('/metrics/job/bench-one', n));
  await load(`PUT 20 series protobuf (client_golang's default), one group, ${label}`, (n) => ({
    method: 'PUT',
    path: '/metrics/job/bench-proto',
    body: twentySeriesProtobuf(n),
    headers: { 'Content-Type': PROTOBUF_DELIMITED },
  }));
  // Before the delta and OTLP pushes: their push ids are not what the RSS row measures.
  if (stored === 10_000) {
    record(`/metrics scrape, ${label} (ms)`, await scrapeMs(gateway.url, false), 'ms');
    record(`/metrics scrape gzip, ${label} (ms)`, await scrapeMs(gateway.url, true), 'ms');
    record(`RSS, ${label} (MiB)`, rssMiB(gateway), 'MiB');
  }
  if (gateway.name === 'official')
    await load(deltaRow(label), (n) => ({
      method: 'POST',
      path: '/metrics/job/bench-delta',
      body: twentySeries(n),
    }));
  else {
    // The official gateway has no OTLP door; OTLP's goal is against our own delta push of the
    // same series, measured side by side with it.
    const check = await fetch(`${gateway.url}/v1/metrics`, {
      method: 'POST',
      body: twentySeriesOtlp(1_000_000_000),
      headers: { 'Content-Type': 'application/x-protobuf' },
    });
    const answer = Buffer.from(await check.arrayBuffer());
    if (check.status !== 200 || answer.length > 0)
      throw new Error(
        `the OTLP bench body was not taken whole: ${check.status} ${answer.toString('latin1')}`,
      );
    await loadPair([
      [
        deltaRow(label),
        (n) => ({
          method: 'POST',
          path: '/metrics/job/bench-delta',
          body: twentySeries(n),
          headers: { 'X-Push-Mode': 'delta', 'X-Push-Id': `d${stored}-${n}` },
        }),
      ],
      [
        otlpRow(label),
        (n) => ({
          method: 'POST',
          path: '/v1/metrics',
          body: twentySeriesOtlp(n),
          headers: { 'Content-Type': 'application/x-protobuf' },
        }),
      ],
    ]);
  }
  await load(
    `PUT 20 series, distinct groups, ${label}`,
    (n) => put(`/metrics/job/bench/instance/${stored}-${n}`, n),
    2000,
  );
  // Adds 3,000 groups: last, so no other row measures a store it grew.
  if (stored === 0) record(DISTINCT_SETS_ROW, await distinctLabelSetsMs(gateway.url), 'ms');
}

async function runFor(name: Gateway['name'], rows: Rows) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  try {
    for (const stored of STORED) {
      progress(`${name}: preparing ${stored} stored groups`);
      let gateway: Gateway;
      if (name === 'ours') {
        const dir = path.join(tmp, `data-${stored}`);
        gateway = await start('ours', [], { PUSHGATEWAY_DATA_DIR: dir });
        await populate(gateway.url, stored);
      } else {
        // The official gateway's consistency check makes filling 10,000 groups take hours; fill it
        // with the check off, persist on shutdown, then start it again from that file with the check on.
        const file = path.join(tmp, `official-${stored}.data`);
        const filler = await start('official', [
          '--push.disable-consistency-check',
          `--persistence.file=${file}`,
        ]);
        await populate(filler.url, stored);
        await stop(filler);
        gateway = await start('official', [`--persistence.file=${file}`, '--persistence.interval=1h']);
      }
      await measure(gateway, stored, rows);
      await stop(gateway);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function cell(value: LoadResult | number | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'number') return value.toFixed(1);
  return `${value.perSecond.toFixed(1)} (p50 ${value.p50ms.toFixed(1)} / p99 ${value.p99ms.toFixed(1)} ms)`;
}

function ratio(official: LoadResult | number | undefined, ours: LoadResult | number | undefined): string {
  if (official === undefined || ours === undefined) return '—';
  if (typeof official === 'number' && typeof ours === 'number') {
    // Lower is better for time and memory: print how many times smaller ours is too.
    return `${(ours / official).toFixed(3)}× (${(official / ours).toFixed(1)}× less)`;
  }
  const o = official as LoadResult;
  const m = ours as LoadResult;
  return o.perSecond === 0 ? '∞' : `${(m.perSecond / o.perSecond).toFixed(1)}×`;
}

async function main() {
  const rows: Rows = new Map();
  progress(`${CLIENTS} clients, ${ROW_MS} ms per row; stored groups: ${STORED.join(', ')}`);
  // BENCH_GATEWAYS=ours measures only ours (while working on it; the table's ratios need both).
  const only = process.env.BENCH_GATEWAYS;
  if (!only || only === 'official') await runFor('official', rows);
  if (!only || only === 'ours') await runFor('ours', rows);
  const lines = [
    `| row | official (Debian 1.5.1) | ours | ours/official |`,
    `|---|---|---|---|`,
    ...[...rows].map(
      ([row, r]) => `| ${row} | ${cell(r.official)} | ${cell(r.ours)} | ${ratio(r.official, r.ours)} |`,
    ),
  ];
  // OTLP's goal is against our own text delta push of the same series: its cost within 1.5×.
  for (const stored of STORED) {
    const label = `${stored.toLocaleString('en')} groups stored`;
    const text = rows.get(deltaRow(label))?.ours as LoadResult | undefined;
    const otlp = rows.get(otlpRow(label))?.ours as LoadResult | undefined;
    if (text && otlp)
      lines.push(
        `| OTLP cost / text delta push cost, ${label} (measured alternately, ${PAIRED_SLICES} slices each) | | ${(text.perSecond / otlp.perSecond).toFixed(2)}× (p50 ${otlp.p50ms.toFixed(1)} vs ${text.p50ms.toFixed(1)} ms) | goal ≤ 1.5× |`,
      );
  }
  process.stdout.write(
    `\nPushgateway benchmark, ${os.cpus().length} cores, node ${process.version}, ${CLIENTS} clients\n\n${lines.join('\n')}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
