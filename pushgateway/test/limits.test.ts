import { gzipSync } from 'node:zlib';
import { scrape } from '@brainbytes/testkit/exposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessGateway, startInProcess } from '../src/in-process';
import { request } from './helpers/http';

describe('limits', () => {
  let gw: InProcessGateway;
  beforeAll(async () => {
    gw = await startInProcess({
      PUSHGATEWAY_MAX_BODY_BYTES: String(64 * 1024),
      PUSHGATEWAY_MAX_SERIES_PER_PUSH: '100',
      PUSHGATEWAY_MAX_SERIES: '300',
      PUSHGATEWAY_MAX_GROUPS: '50',
      PUSHGATEWAY_MAX_LABEL_NAME_LENGTH: '32',
      PUSHGATEWAY_MAX_LABEL_VALUE_LENGTH: '64',
      PUSHGATEWAY_MAX_METRIC_NAME_LENGTH: '40',
      PUSHGATEWAY_MAX_HELP_LENGTH: '100',
    });
  });
  afterAll(async () => gw.close());

  const put = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    request(gw.url, { method: 'PUT', path, body, headers });
  const stored = async () => [...(await scrape(gw.url)).samples.keys()].filter((k) => /^(x|big|s)\{/.test(k));

  it('refuses a body over PUSHGATEWAY_MAX_BODY_BYTES with 413 naming the limit', async () => {
    const reply = await put('/metrics/job/a', `x 1\n${'# padding\n'.repeat(10_000)}`);
    expect(reply.status).toBe(413);
    expect(reply.body).toContain('PUSHGATEWAY_MAX_BODY_BYTES');
    expect(await stored()).toEqual([]);
  });

  it('refuses a gzip bomb without inflating it all', async () => {
    const bomb = gzipSync(Buffer.alloc(60 * 1024 * 1024, 'a'));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const before = process.memoryUsage().rss;
    const reply = await put('/metrics/job/a', bomb, { 'Content-Encoding': 'gzip' });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatch(/inflated gzip body is larger than 65536 bytes/);
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses a body that claims gzip but is not', async () => {
    const reply = await put('/metrics/job/a', 'x 1\n', { 'Content-Encoding': 'gzip' });
    expect([reply.status, reply.body]).toEqual([400, expect.stringContaining('not valid gzip')]);
  });

  it('refuses more series in one push than PUSHGATEWAY_MAX_SERIES_PER_PUSH', async () => {
    const body = Array.from({ length: 101 }, (_, i) => `x{i="${i}"} 1`).join('\n') + '\n';
    const reply = await put('/metrics/job/a', body);
    expect([reply.status, reply.body]).toEqual([
      413,
      expect.stringContaining('PUSHGATEWAY_MAX_SERIES_PER_PUSH'),
    ]);
    expect(await stored()).toEqual([]);
  });

  it('refuses a push that would take the gateway past PUSHGATEWAY_MAX_SERIES', async () => {
    for (const g of [1, 2]) {
      const body = Array.from({ length: 100 }, (_, i) => `big{i="${i}"} 1`).join('\n') + '\n';
      expect((await put(`/metrics/job/g${g}`, body)).status).toBe(200);
    }
    const body = Array.from({ length: 99 }, (_, i) => `big{i="${i}"} 1`).join('\n') + '\n';
    expect((await put('/metrics/job/g3', body)).status).toBe(200);
    const over = await put('/metrics/job/g4', 'big{i="x"} 1\nbig{i="y"} 1\n');
    expect([over.status, over.body]).toEqual([413, expect.stringContaining('PUSHGATEWAY_MAX_SERIES')]);
    // Replacing a group's series frees them first, so a same-size PUT still fits.
    expect((await put('/metrics/job/g1', 'big{i="0"} 2\n')).status).toBe(200);
    await request(gw.url, { method: 'PUT', path: '/api/v1/admin/wipe' });
  });

  it('refuses over-long label names and values with 400 naming the label', async () => {
    const name = await put('/metrics/job/a', `x{${'n'.repeat(33)}="v"} 1\n`);
    expect([name.status, name.body]).toEqual([
      400,
      expect.stringMatching(/label name "n+…" of metric "x" is longer than 32/),
    ]);
    const value = await put('/metrics/job/a', `x{route="${'v'.repeat(65)}"} 1\n`);
    expect([value.status, value.body]).toEqual([
      400,
      expect.stringContaining('value of label "route" of metric "x"'),
    ]);
    expect(await stored()).toEqual([]);
  });

  it('refuses over-long metric names and HELP texts with 400 naming the setting', async () => {
    const long = `x${'y'.repeat(40)}`;
    for (const body of [`${long} 1\n`, `# TYPE ${long} counter\n`, `# HELP ${long} h\n`]) {
      const reply = await put('/metrics/job/a', body);
      expect([reply.status, reply.body]).toEqual([
        400,
        expect.stringContaining('PUSHGATEWAY_MAX_METRIC_NAME_LENGTH'),
      ]);
    }
    // `_bucket` makes a sample line's name longer than its family's: the line's name counts.
    const histogram = `# TYPE ${'h'.repeat(34)} histogram\n${'h'.repeat(34)}_bucket{le="+Inf"} 1\n`;
    expect((await put('/metrics/job/a', histogram)).status).toBe(400);
    const help = await put('/metrics/job/a', `# HELP x ${'h'.repeat(101)}\nx 1\n`);
    expect([help.status, help.body]).toEqual([
      400,
      expect.stringContaining(
        'HELP of metric "x" is longer than 100 characters (PUSHGATEWAY_MAX_HELP_LENGTH)',
      ),
    ]);
    expect((await put('/metrics/job/a', `# HELP x ${'h'.repeat(100)}\nx 1\n`)).status).toBe(200);
    const refusals = (await scrape(gw.url)).samples;
    expect(refusals.get('pushgateway_push_refusals_total{reason="name_length"}')).toBe(4);
    expect(refusals.get('pushgateway_push_refusals_total{reason="help_length"}')).toBe(1);
    await request(gw.url, { method: 'PUT', path: '/api/v1/admin/wipe' });
  });

  it('refuses new groups past PUSHGATEWAY_MAX_GROUPS, even from failing pushes', async () => {
    const replies = [];
    for (let i = 0; i < 60; i++) replies.push((await put(`/metrics/job/flood/n/${i}`, 'x 1 123\n')).status);
    expect(replies.slice(0, 50).every((s) => s === 400)).toBe(true);
    expect(gw.gateway.store.groups.size).toBe(50);
    const reply = await put('/metrics/job/one-more', 's 1\n');
    expect([reply.status, reply.body]).toEqual([413, expect.stringContaining('PUSHGATEWAY_MAX_GROUPS')]);
    await request(gw.url, { method: 'PUT', path: '/api/v1/admin/wipe' });
  });

  it('stays bounded in memory under a flood of junk', async () => {
    const junk = [
      'x{ 1\n',
      `${'x'.repeat(60_000)}\n`,
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
      'x{a="1"} not-a-number\n',
      `x{a="${'z'.repeat(70)}"} 1\n`,
    ];
    const rss = () => process.memoryUsage().rss;
    global.gc?.();
    const before = rss();
    for (let round = 0; round < 400; round++) {
      await Promise.all(junk.map((body, i) => put(`/metrics/job/junk${i}/r/${round}`, body)));
    }
    expect(gw.gateway.store.groups.size).toBe(0);
    expect(gw.gateway.store.seriesTotal).toBe(0);
    expect(rss() - before).toBeLessThan(64 * 1024 * 1024);
  });
});
