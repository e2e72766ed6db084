import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readScrape } from '@brainbytes/testkit/exposition';
import { type RunningProcess, startGatewayProcess } from '@brainbytes/testkit/processes';
import { startPrometheus } from '@brainbytes/testkit/services';
import Redis from 'ioredis';
import protobuf from 'protobufjs/light.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_PROTO } from '../src/exposition/metrics-proto';
import { type GoHistogram, type GoPusher, goClientSetup } from './helpers/go-pusher';
import { request } from './helpers/http';
import { type Native, PROTOBUF, readProtobufScrape } from './helpers/protobuf-scrape';

/**
 * Native histograms from client_golang's default push: stored, persisted, replicated, added up in
 * delta mode, and served in the protobuf exposition to a scraper that asks for it, as the official
 * gateway serves them; Debian's Prometheus (native histograms on) answers histogram_quantile over them.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const OWN = /^(go_|process_|promhttp_|pushgateway_|nodejs_|push_(failure_)?time_seconds)/;
const MetricFamily = protobuf.Root.fromJSON(METRICS_PROTO).lookupType('io.prometheus.client.MetricFamily');
const scrapeProtobuf = (gateway: RunningProcess) =>
  readProtobufScrape(gateway.url, (name) => !OWN.test(name));

const setup = goClientSetup();
let official: RunningProcess;
let ours: RunningProcess;
let pusher: GoPusher;
beforeAll(() => {
  ({ official, ours, pusher } = setup);
});
const extra: RunningProcess[] = [];
const dirs: string[] = [];
const prefixes: string[] = [];

afterEach(async () => {
  await Promise.all(extra.splice(0).map((p) => p.stop('SIGKILL')));
});

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (prefixes.length) {
    const redis = new Redis(REDIS_URL);
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    }
    await redis.quit();
  }
});

const nativeIn = (families: Awaited<ReturnType<typeof scrapeProtobuf>>, job = 'nightly_import') =>
  (
    families.get('batch_duration_seconds')?.metrics.get(`instance=runner-1,job=${job}`) as
      | { native?: Native }
      | undefined
  )?.native;

async function scrapeText(gateway: RunningProcess) {
  const reply = await request(gateway.url, { method: 'GET', path: '/metrics' });
  expect(reply.headers['content-type']).toMatch(/^text\/plain/);
  return [...readScrape(reply.body, (name) => !OWN.test(name)).samples].map(([k, v]) => `${k} ${v}`).sort();
}

async function wipe(gateway: RunningProcess) {
  expect((await request(gateway.url, { method: 'PUT', path: '/api/v1/admin/wipe' })).status).toBe(202);
}

async function pushBoth(histogram: GoHistogram) {
  for (const gateway of [official, ours]) {
    await wipe(gateway);
    expect((await pusher(gateway.url, 'protobuf', histogram)).stderr).toBe('');
  }
}

describe('native histograms from client_golang, against the official gateway and ours', () => {
  for (const histogram of ['native', 'sparse'] as const) {
    it(`${histogram === 'native' ? 'with classic buckets too' : 'alone'}: the protobuf scrape holds what the official one holds, and text scrapers get the same text`, async () => {
      await pushBoth(histogram);
      const [theirs, mine] = await Promise.all([scrapeProtobuf(official), scrapeProtobuf(ours)]);
      expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
      for (const [name, family] of theirs) expect(mine.get(name), name).toEqual(family);
      const native = nativeIn(mine)!;
      // factor 1.1 is schema 3; 7 observations: -1.5, 0, 0.3, 0.7, 2, 2.05, 9.
      expect(native).toMatchObject({ schema: 3, zeroCount: 1, count: 7 });
      expect(native.sum).toBeCloseTo(12.55, 9);
      expect(native.negative).toEqual([[5, 1]]);
      expect(native.positive.reduce((n, [, c]) => n + c, 0)).toBe(5);
      expect(await scrapeText(ours)).toEqual(await scrapeText(official));
    });
  }

  it('asked for text, a scraper gets the classic lines; asked for protobuf first, protobuf', async () => {
    await pushBoth('sparse');
    const text = await scrapeText(ours);
    expect(text).toContain('batch_duration_seconds_count{instance="runner-1",job="nightly_import"} 7');
    for (const accept of [`${PROTOBUF};q=0.5,text/plain;version=0.0.4;q=0.9`, 'text/plain', '*/*']) {
      const reply = await fetch(`${ours.url}/metrics`, { headers: { Accept: accept } });
      expect(reply.headers.get('content-type'), accept).toMatch(/^text\/plain/);
    }
  });

  it('refuses a native histogram Prometheus would refuse, or one in pushed text, with a 400 naming it, storing nothing', async () => {
    await wipe(ours);
    const body = (histogram: object) =>
      Buffer.from(
        MetricFamily.encodeDelimited(
          MetricFamily.fromObject({ name: 'broken_seconds', type: 4, metric: [{ histogram }] }),
        ).finish(),
      );
    const cases: Array<[Buffer | string, RegExp]> = [
      [body({ sampleCount: 1, schema: 9 }), /native histogram broken_seconds: schema 9 is not one of -4…8/],
      [
        body({ sampleCount: 1, schema: 0, positiveSpan: [{ offset: 0, length: 1 }], positiveDelta: [2] }),
        /broken_seconds: its buckets hold 2 observations but its count is 1/,
      ],
      [
        body({ sampleCount: 5, schema: 0, positiveSpan: [{ offset: 0, length: 2 }], positiveDelta: [2, -3] }),
        /broken_seconds: bucket 1 has a count of -1/,
      ],
      [
        body({ sampleCount: 1, schema: 0, zeroThreshold: -1 }),
        /broken_seconds: zero threshold -1 is not a finite number >= 0/,
      ],
      [
        '# TYPE t histogram\nt_count 0\nt_sum 0\nt{} {schema:0,zero_threshold:0,zero_count:0,float:0,positive:[],negative:[]}\n',
        /expected float as value/,
      ],
    ];
    for (const [payload, why] of cases) {
      const step = {
        method: 'PUT' as const,
        path: '/metrics/job/broken',
        body: payload,
        headers: { 'Content-Type': typeof payload === 'string' ? 'text/plain' : PROTOBUF },
      };
      const reply = await request(ours.url, step);
      expect([reply.status, reply.body], String(why)).toEqual([400, expect.stringMatching(why)]);
      // The deliberate difference: the official gateway stores what Prometheus will refuse.
      if (typeof payload !== 'string')
        expect((await request(official.url, step)).status, String(why)).toBe(200);
    }
    expect(await scrapeText(ours)).toEqual([]);
  });

  it('adds delta pushes up, bucket by bucket: three pushes hold three times one push', async () => {
    await pushBoth('sparse');
    const once = nativeIn(await scrapeProtobuf(official))!;
    await wipe(ours);
    for (let i = 0; i < 3; i++) expect((await pusher(ours.url, 'protobuf', 'sparse', true)).stderr).toBe('');
    const thrice = nativeIn(await scrapeProtobuf(ours))!;
    expect(thrice).toEqual({
      ...once,
      count: 3 * once.count,
      sum: expect.closeTo(3 * once.sum, 9),
      zeroCount: 3 * once.zeroCount,
      positive: once.positive.map(([i, n]) => [i, 3 * n]),
      negative: once.negative.map(([i, n]) => [i, 3 * n]),
    });
  });

  it('keeps them through SIGKILL and restart (file persistence), and serves them from a second gateway on Redis', async () => {
    await pushBoth('sparse');
    const expected = nativeIn(await scrapeProtobuf(official));
    const dataDir = mkdtempSync(join(tmpdir(), 'pgw-native-'));
    dirs.push(dataDir);
    const fileEnv = { PUSHGATEWAY_PERSISTENCE: 'file', PUSHGATEWAY_DATA_DIR: dataDir };
    const first = await startGatewayProcess(fileEnv);
    extra.push(first);
    expect((await pusher(first.url, 'protobuf', 'sparse')).stderr).toBe('');
    await first.stop('SIGKILL');
    const restarted = await startGatewayProcess(fileEnv);
    extra.push(restarted);
    expect(nativeIn(await scrapeProtobuf(restarted))).toEqual(expected);

    const prefix = `pgw-native-${randomUUID()}`;
    prefixes.push(prefix);
    const redisEnv = { PUSHGATEWAY_PERSISTENCE: 'redis', REDIS_URL, PUSHGATEWAY_REDIS_PREFIX: prefix };
    const [a, b] = [await startGatewayProcess(redisEnv), await startGatewayProcess(redisEnv)];
    extra.push(a, b);
    expect((await pusher(a.url, 'protobuf', 'sparse')).stderr).toBe('');
    expect(nativeIn(await scrapeProtobuf(b))).toEqual(expected);
  });

  it('reaches Prometheus (native histograms on): histogram_quantile over ours answers as over the official', async () => {
    await pushBoth('sparse');
    // A family held by two groups: ours sends it as one message per group, of one name.
    for (const gateway of [ours, official]) {
      const reply = await request(gateway.url, {
        method: 'PUT',
        path: '/metrics/job/nightly_import/instance/runner-2',
        body: '# TYPE batch_records_total counter\nbatch_records_total{table="reviews"} 3\n',
      });
      expect(reply.status).toBeLessThan(300);
    }
    const dir = mkdtempSync(join(tmpdir(), 'pgw-native-prom-'));
    dirs.push(dir);
    const targets = (gateway: RunningProcess) => `['127.0.0.1:${gateway.port}']`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s }
scrape_configs:
  - { job_name: ours, static_configs: [{ targets: ${targets(ours)} }] }
  - { job_name: official, static_configs: [{ targets: ${targets(official)} }] }
`,
    );
    const prometheus = await startPrometheus(join(dir, 'prometheus.yml'), undefined, join(dir, 'data'), [
      '--enable-feature=native-histograms',
    ]);
    extra.push(prometheus);
    const query = async (expr: string) => {
      const reply = await fetch(`${prometheus.url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      const body = (await reply.json()) as { data: { result: Array<{ value: [number, string] }> } };
      return body.data.result.map((r) => Number(r.value[1]));
    };
    let answers: number[][] = [];
    for (let i = 0; i < 60; i++) {
      answers = await Promise.all(
        ['ours', 'official'].flatMap((job) => [
          query(`histogram_quantile(0.5, batch_duration_seconds{job="${job}"})`),
          query(`histogram_count(batch_duration_seconds{job="${job}"})`),
          query(`sum(batch_records_total{job="${job}"})`),
        ]),
      );
      if (answers.every((a) => a.length === 1)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const [quantile, count, records, theirQuantile, theirCount, theirRecords] = answers.map((a) => a[0]);
    expect(records).toBe(42 + 7.5 + 3);
    expect(theirRecords).toBe(records);
    expect(count).toBe(7);
    expect(theirCount).toBe(7);
    expect(quantile).toBeGreaterThan(0.3);
    expect(quantile).toBeLessThan(2.05);
    expect(quantile).toBe(theirQuantile);
  }, 60_000);
});
