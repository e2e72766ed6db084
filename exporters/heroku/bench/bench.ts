/**
 * `npm run bench -w exporters/heroku`: drain ingest on one core, scrape latency with 50 apps × 20
 * dynos cached, and RSS after 10 million lines. Each number is printed beside a reference measured
 * in the same run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type FakeApp, FakePlatformApi } from '@brainbytes/testkit/fake-platform-api';
import { lines, logplexBody } from '@brainbytes/testkit/frames';
import { freePort, waitForHttp } from '@brainbytes/testkit/ports';
import { splitFrames } from '../src/drain/frames';
import { DrainIngest } from '../src/drain/ingest';
import { createDrainMetrics } from '../src/drain/metrics';

const exporterDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOTAL_LINES = Number(process.env.BENCH_LINES ?? 10_000_000);
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** 1,000 router lines over 20 dynos, four methods, six statuses and some H12s. */
function routerBody(): Buffer {
  const methods = ['GET', 'GET', 'POST', 'PUT'];
  const statuses = ['200', '200', '201', '304', '404', '503'];
  const batch: string[] = [];
  for (let i = 0; i < 1000; i++) {
    let line = lines.routerOk
      .replace('method=GET', `method=${methods[i % 4]}`)
      .replace('status=200', `status=${statuses[i % 6]}`)
      .replace('dyno=web.1', `dyno=web.${(i % 20) + 1}`)
      .replace('service=18ms', `service=${(i * 7) % 900}ms`);
    if (i % 50 === 0) line = lines.routerH12;
    batch.push(line);
  }
  return Buffer.from(logplexBody(batch));
}

function ingestBench(body: Buffer, count: number) {
  const metrics = createDrainMetrics();
  const ingest = new DrainIngest(metrics, {
    apps: new Set(),
    maxApps: 50,
    maxSourcesPerApp: 200,
    maxProcessTypesPerApp: 20,
  });
  const apps = Array.from({ length: 5 }, (_, i) => `brainbytes-app${i}`);
  const rounds = Math.ceil(count / 1000);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    ingest.ingest(apps[r % 5]!, splitFrames(body).messages);
    if (r % 1000 === 999) progress(`  ingested ${((r + 1) * 1000).toLocaleString('en')} lines`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    lines: rounds * 1000,
    bytes: rounds * body.length,
  };
}

/** The reference: only splitting the same bodies into lines, the least any drain must do. */
function splitOnlyBench(body: Buffer, count: number) {
  const t0 = performance.now();
  let n = 0;
  for (let r = 0; r < count / 1000; r++) n += body.toString('utf8').split('\n').length;
  return { seconds: (performance.now() - t0) / 1000, n };
}

/** The exporter as its own process, from the bundle `npm start` runs (`npm run bench` builds it first). */
async function startExporterProcess(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--max-semi-space-size=2', 'dist/main.mjs'], {
    cwd: exporterDir,
    env: {
      ...process.env,
      ...env,
      HEROKU_EXPORTER_PORT: String(port),
      HEROKU_EXPORTER_HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
    },
    stdio: 'ignore',
  });
  await waitForHttp(`http://127.0.0.1:${port}/-/healthy`);
  const rss = () =>
    Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  return { port, rss, stop: () => child.kill('SIGTERM') };
}

async function scrapeAndMemoryBench(body: Buffer) {
  const apps: FakeApp[] = Array.from({ length: 50 }, (_, a) => ({
    name: `brainbytes-app${a}`,
    dynos: [
      { type: 'web', size: 'Standard-1X', state: 'up', n: 15 },
      { type: 'worker', size: 'Standard-2X', state: 'up', n: 5 },
    ],
    formation: [
      { type: 'web', quantity: 15, size: 'Standard-1X' },
      { type: 'worker', quantity: 5, size: 'Standard-2X' },
    ],
    releases: 10,
    addons: [{ service: 'heroku-postgresql', plan: 'standard-0', cents: 5000 }],
    runtimeMetrics: true,
  }));
  const api = await new FakePlatformApi(apps).start();
  const exporter = await startExporterProcess({ HEROKU_API_TOKEN: api.token, HEROKU_API_URL: api.url });
  const rssStarted = exporter.rss();
  for (let i = 0; i < 100 && api.requests.length < 50 * 5 + 3; i++)
    await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500)); // the first poll completes
  // Runtime metrics for every dyno too, as a drain would deliver them.
  for (const a of apps) {
    const runtime = Array.from({ length: 20 }, (_, d) => lines.memory.replace(/web\.1/g, `web.${d + 1}`));
    await post(exporter.port, `/drain/${a.name}`, logplexBody(runtime));
  }
  const time = async (path: string) => {
    const samples: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await get(exporter.port, path);
      samples.push(performance.now() - t0);
    }
    return samples.sort((a, b) => a - b)[25]!;
  };
  const scrapeMs = await time('/metrics');
  const healthMs = await time('/-/healthy');
  const text = await (await fetch(`http://127.0.0.1:${exporter.port}/metrics`)).text();
  const series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;

  progress(`memory: ${TOTAL_LINES.toLocaleString('en')} router lines through POST /drain`);
  const text1000 = body.toString('utf8');
  let sent = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (sent < TOTAL_LINES) {
        sent += 1000;
        await post(exporter.port, `/drain/brainbytes-app${(sent / 1000) % 50}`, text1000);
        if (sent % 1_000_000 === 0)
          progress(`  ${sent.toLocaleString('en')} lines, exporter RSS ${mib(exporter.rss())} MiB`);
      }
    }),
  );
  const rssAfter = exporter.rss();
  agent.destroy();
  exporter.stop();
  await api.stop();
  return { scrapeMs, healthMs, series, rssStarted, rssAfter };
}

// Logplex keeps its drain connections open, and so does Prometheus; so does the load here.
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** A GET read to the end, as a scraper does (plain node:http: little client overhead in the number). */
function get(port: number, path: string) {
  return new Promise<void>((resolve, reject) => {
    http
      .get({ agent, host: '127.0.0.1', port, path }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
}

function post(port: number, path: string, body: string) {
  return new Promise<void>((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'Content-Type': 'application/logplex-1' },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const body = routerBody();
  progress('warming up');
  ingestBench(body, 200_000);
  splitOnlyBench(body, 200_000);

  progress('ingest: 1,000,000 router lines');
  const ingest = ingestBench(body, 1_000_000);
  const split = splitOnlyBench(body, 1_000_000);
  const linesPerSecond = ingest.lines / ingest.seconds;

  progress('scrape: 50 apps × 20 dynos cached, in the exporter process');
  const run = await scrapeAndMemoryBench(body);

  const rows = [
    [
      'drain ingest, router lines/s (one core)',
      `${Math.round(linesPerSecond).toLocaleString('en')}`,
      `${Math.round(1_000_000 / split.seconds).toLocaleString('en')} (split into lines only)`,
      `${(linesPerSecond / (1_000_000 / split.seconds)).toFixed(2)}×`,
      '≥ 100,000',
    ],
    ['drain ingest, MB/s', (ingest.bytes / 1e6 / ingest.seconds).toFixed(1), '', '', ''],
    [
      'drain ingest, CPU seconds per wall second',
      (ingest.cpuSeconds / ingest.seconds).toFixed(2),
      '',
      '',
      '≤ 1 core',
    ],
    [
      `scrape p50 (ms), 50 apps × 20 dynos, ${run.series} series`,
      run.scrapeMs.toFixed(2),
      `${run.healthMs.toFixed(2)} (GET /-/healthy)`,
      `${(run.scrapeMs / run.healthMs).toFixed(1)}×`,
      '≤ 20 ms',
    ],
    [
      `exporter RSS after ${TOTAL_LINES.toLocaleString('en')} lines (MiB)`,
      mib(run.rssAfter),
      `${mib(run.rssStarted)} (just started)`,
      `${(run.rssAfter / run.rssStarted).toFixed(2)}×`,
      '≤ 120 MiB',
    ],
  ];
  process.stdout.write(
    `\nHeroku exporter benchmark, node ${process.version}\n\n| measure | ours | reference (same run) | ratio | target |\n|---|---|---|---|---|\n${rows
      .map((r) => `| ${r.join(' | ')} |`)
      .join('\n')}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
