import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { type RunningProcess, startGatewayProcess } from '@brainbytes/testkit/processes';
import { Redis } from 'ioredis';
import protobuf from 'protobufjs/light.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { METRICS_PROTO } from '../src/exposition/metrics-proto';
import { request } from './helpers/http';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MiB = 1024 * 1024;
/** The suite fills 16 MiB; `MEMORY_CEILING_BUDGET_MIB=96` checks the default (slower). */
const BUDGET = Number(process.env.MEMORY_CEILING_BUDGET_MIB ?? 16) * MiB;
/**
 * The README's ceiling: a process's peak RSS stays under its idle RSS, plus a fixed allowance for
 * what is in flight (V8's young generation, request bodies, a snapshot piece, a scrape batch), plus
 * this many times PUSHGATEWAY_MAX_BYTES (the data, and the garbage V8 lets pile up before collecting).
 */
const IN_FLIGHT = 64 * MiB;
const CEILING_FACTOR = 3;

/** Peak resident memory of a process so far (Linux's high-water mark), in bytes. */
function peakRss(child: RunningProcess): number {
  const status = fs.readFileSync(`/proc/${child.child.pid}/status`, 'utf8');
  const kib = /VmHWM:\s+(\d+) kB/.exec(status);
  if (!kib) throw new Error('no VmHWM in /proc/<pid>/status');
  return Number(kib[1]) * 1024;
}

/** The gateway's own series (process, Node.js, its counters): they move between two scrapes. */
const OWN = /^(# (HELP|TYPE) )?(process_|nodejs_|pushgateway_)/;

/**
 * Reads a whole scrape as Prometheus does (the gateway must render all of it) and returns the bytes
 * of the pushed lines, without keeping them.
 */
function drainScrape(url: string, as: 'text' | 'gzip' | 'protobuf'): Promise<number> {
  const headers =
    as === 'gzip' ? { 'Accept-Encoding': 'gzip' } : as === 'protobuf' ? { Accept: PROTOBUF } : {};
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/metrics`, { headers }, (res) => {
      let bytes = 0;
      let rest = '';
      res.setEncoding(as === 'text' ? 'utf8' : 'latin1');
      res.on('data', (chunk: string) => {
        if (as !== 'text') {
          bytes += chunk.length;
          return;
        }
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        for (const line of lines) if (!OWN.test(line)) bytes += line.length + 1;
      });
      res.on('end', () => resolve(bytes));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const PROTOBUF =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';
const MetricFamily = protobuf.Root.fromJSON(METRICS_PROTO).lookupType('io.prometheus.client.MetricFamily');

const repeat = (n: number, line: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => line(i)).join('');

/**
 * Shapes of push an attacker or a buggy client sends, each within the per-push limits, pushed to
 * distinct groups until the gateway refuses: only the byte budget may stop them.
 */
type Shape = (push: number) => { path: string; body: string | Buffer; headers?: Record<string, string> };
const SHAPES: Array<[string, Shape]> = [
  [
    'HELP bombs (the longest HELP allowed, a family per push)',
    (p) => ({ path: `/metrics/job/help/n/${p}`, body: `# HELP hb_${p} ${'h'.repeat(4000)}\nhb_${p} 1\n` }),
  ],
  [
    'name bombs (the longest names allowed, 50 families per push)',
    (p) => ({
      path: `/metrics/job/name/n/${p}`,
      body: repeat(50, (i) => `n${p}_${i}_${'x'.repeat(240)} 1\n`),
    }),
  ],
  [
    'many small groups (one series each)',
    (p) => ({ path: `/metrics/job/small/n/${p}`, body: 'small_total 1\n' }),
  ],
  [
    'histograms with many buckets (50 series × 100 buckets)',
    (p) => ({
      path: `/metrics/job/hist/n/${p}`,
      body: `# TYPE h histogram\n${repeat(50, (s) =>
        repeat(100, (b) => `h_bucket{s="${s}",le="${b}"} ${b}\n`).concat(
          `h_bucket{s="${s}",le="+Inf"} 100\nh_sum{s="${s}"} 5\nh_count{s="${s}"} 100\n`,
        ),
      )}`,
    }),
  ],
  [
    'native histograms with many buckets (protobuf, 10 series × 900 buckets)',
    (p) => ({
      path: `/metrics/job/native/n/${p}`,
      headers: { 'Content-Type': PROTOBUF },
      body: Buffer.from(
        MetricFamily.encodeDelimited({
          name: 'nh',
          type: 4,
          metric: Array.from({ length: 10 }, (_, s) => ({
            label: [{ name: 's', value: String(s) }],
            histogram: {
              sampleCount: 900,
              sampleSum: 5,
              schema: 3,
              zeroThreshold: 1e-128,
              positiveSpan: [{ offset: -450, length: 900 }],
              positiveDelta: [1, ...Array.from({ length: 899 }, () => 0)],
            },
          })),
        }).finish(),
      ),
    }),
  ],
];

/** Pushes one shape with 8 clients until the gateway answers anything but 200; returns that answer. */
async function fill(gw: RunningProcess, shape: Shape) {
  let next = 0;
  let refusal: { status: number; body: string } | undefined;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (!refusal) {
        const { path, body, headers } = shape(next++);
        const reply = await request(gw.url, { method: 'PUT', path, body, headers });
        if (reply.status !== 200) refusal ??= reply;
      }
    }),
  );
  return { refusal: refusal!, pushes: next };
}

describe.each<[string, () => Record<string, string>]>([
  [
    'file',
    () => ({
      PUSHGATEWAY_PERSISTENCE: 'file',
      PUSHGATEWAY_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pgw-rss-')),
    }),
  ],
  ['Redis', () => ({ REDIS_URL, PUSHGATEWAY_REDIS_PREFIX: `pgw-rss-${randomUUID()}` })],
])('peak RSS under the byte budget, %s persistence', (_, persistenceEnv) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  // Every process is killed whatever an assertion did: a gateway left filling memory slows every later test.
  const running: RunningProcess[] = [];
  const start = async (env: Record<string, string>) => {
    const gw = await startGatewayProcess(env);
    running.push(gw);
    return gw;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((gw) => gw.stop('SIGKILL')));
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  let idle = 0;
  it('measures an idle gateway after a scrape (the reference)', async () => {
    const gw = await start({ ...persistenceEnv(), PUSHGATEWAY_MAX_BYTES: String(BUDGET) });
    await drainScrape(gw.url, 'text');
    idle = peakRss(gw);
    await gw.stop('SIGKILL');
    expect(idle).toBeGreaterThan(10 * MiB);
  });

  it.each(SHAPES)(
    '%s: filled until refused, scraped and restarted, stays under the ceiling',
    async (_, shape) => {
      const env: Record<string, string> = {
        ...persistenceEnv(),
        PUSHGATEWAY_MAX_BYTES: String(BUDGET),
        PUSHGATEWAY_SNAPSHOT_INTERVAL: '1s',
      };
      cleanups.push(async () => {
        if (env.PUSHGATEWAY_DATA_DIR) fs.rmSync(env.PUSHGATEWAY_DATA_DIR, { recursive: true, force: true });
        if (env.PUSHGATEWAY_REDIS_PREFIX) {
          const redis = new Redis(REDIS_URL);
          const keys = await redis.keys(`${env.PUSHGATEWAY_REDIS_PREFIX}:*`);
          if (keys.length > 0) await redis.del(...keys);
          await redis.quit();
        }
      });
      const ceiling = idle + IN_FLIGHT + CEILING_FACTOR * BUDGET;
      const gw = await start(env);
      const { refusal, pushes } = await fill(gw, shape);
      expect([refusal.status, refusal.body]).toEqual([413, expect.stringContaining('PUSHGATEWAY_MAX_BYTES')]);
      const scraped = await drainScrape(gw.url, 'text');
      await drainScrape(gw.url, 'gzip');
      // Prometheus with native histograms on asks for protobuf: all of it is rendered again for that.
      expect(await drainScrape(gw.url, 'protobuf')).toBeGreaterThan(256 * 1024);
      await new Promise((r) => setTimeout(r, 1500)); // a snapshot is written
      const filledPeak = peakRss(gw);
      expect(await gw.stop('SIGTERM')).toBe(0);

      const again = await start(env);
      const rescraped = await drainScrape(again.url, 'text');
      await drainScrape(again.url, 'protobuf');
      const restartPeak = peakRss(again);
      await again.stop('SIGKILL');
      console.log(
        `${_}: ${pushes} pushes, scrape ${(scraped / MiB).toFixed(1)} MiB; peak RSS ${(filledPeak / MiB).toFixed(0)} MiB filled, ` +
          `${(restartPeak / MiB).toFixed(0)} MiB restarted; ceiling ${(ceiling / MiB).toFixed(0)} MiB (idle ${(idle / MiB).toFixed(0)} + 64 + ${CEILING_FACTOR} × ${BUDGET / MiB})`,
      );
      expect(rescraped).toBe(scraped);
      expect(filledPeak).toBeLessThanOrEqual(ceiling);
      expect(restartPeak).toBeLessThanOrEqual(ceiling);
    },
    300_000,
  );
});
