import { promtoolParseError, scrapeProblems } from '@brainbytes/testkit/scrape-validity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessGateway, startInProcess } from '../src/in-process';
import { request } from './helpers/http';

/** mulberry32: a small seeded generator, so a failing run can be repeated exactly. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const scrapeText = async (url: string) => (await fetch(`${url}/metrics`)).text();

describe('every scrape the gateway produces is valid exposition text', () => {
  let gw: InProcessGateway;
  beforeAll(async () => {
    gw = await startInProcess();
  });
  afterAll(async () => gw.close());
  const push = (method: 'PUT' | 'POST', path: string, body: string, headers: Record<string, string> = {}) =>
    request(gw.url, { method, path, body, headers });

  it.each([
    ['a grouping label "le" over a histogram', '/metrics/job/x/le/0.5', 'histogram', 'le'],
    ['a grouping label "quantile" over a summary', '/metrics/job/x/quantile/0.9', 'summary', 'quantile'],
  ])('refuses %s with 400 naming the label', async (_, path, type, label) => {
    const body =
      type === 'histogram'
        ? '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'
        : '# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 1\ns_count 1\n';
    const reply = await push('PUT', path, body);
    expect([reply.status, reply.body]).toEqual([400, expect.stringContaining(`grouping label "${label}"`)]);
    expect(scrapeProblems(await scrapeText(gw.url))).toEqual([]);
  });

  it.each([
    [
      'a histogram _sum line carrying le',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum{le="7"} 1\nh_count 1\n',
      'le',
    ],
    [
      'a histogram _count line carrying le',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count{le="7"} 1\n',
      'le',
    ],
    [
      'a summary _sum line carrying quantile',
      '# TYPE s summary\ns{quantile="0.5"} 1\ns_sum{quantile="1"} 1\ns_count 1\n',
      'quantile',
    ],
  ])('refuses %s with 400 naming the label', async (_, body, label) => {
    const reply = await push('PUT', '/metrics/job/y', body);
    expect([reply.status, reply.body]).toEqual([
      400,
      expect.stringContaining(`label "${label}" is not allowed`),
    ]);
    expect(scrapeProblems(await scrapeText(gw.url))).toEqual([]);
  });

  it('stays valid (by our reader and by promtool) through 1,500 random pushes aimed at the edges', async () => {
    const next = random(20261130);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const NAMES = ['m', 'm_sum', 'm_count', 'm_bucket', 'n_total', 'n', 'p'];
    const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped', ''];
    const LABELS = ['le', 'quantile', 'instance', 'job', 'a', 'b'];
    const labelSet = (extra = '') => {
      const pairs = [
        extra,
        ...Array.from({ length: Math.floor(next() * 3) }, () => `${pick(LABELS)}="${pick(['1', '2', 'x'])}"`),
      ];
      return `{${pairs.filter(Boolean).join(',')}}`;
    };
    const family = () => {
      const name = pick(NAMES);
      const type = pick(TYPES);
      const lines = type ? [`# TYPE ${name} ${type}`] : [];
      const labels = labelSet();
      if (type === 'histogram') {
        for (const le of ['0.1', '1', '+Inf'])
          lines.push(`${name}_bucket${labelSet(`le="${le}"`)} ${Math.floor(next() * 5)}`);
        lines.push(`${name}_sum${next() < 0.2 ? labelSet('le="7"') : labels} 3`, `${name}_count${labels} 4`);
      } else if (type === 'summary') {
        lines.push(
          `${name}${labelSet('quantile="0.5"')} 1`,
          `${name}_sum${next() < 0.2 ? labelSet('quantile="1"') : labels} 3`,
        );
        lines.push(`${name}_count${labels} 4`);
      } else lines.push(`${name}${labels} ${Math.floor(next() * 10)}`);
      return lines.join('\n');
    };
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1500; i++) {
      const path = `/metrics/job/j${Math.floor(next() * 3)}${next() < 0.5 ? `/${pick(LABELS.slice(0, 5))}/${pick(['1', 'x'])}` : ''}`;
      const body = `${Array.from({ length: 1 + Math.floor(next() * 3) }, family).join('\n')}\n`;
      const delta = next() < 0.3;
      const reply = await push(
        delta ? 'POST' : pick(['PUT', 'POST'] as const),
        path,
        body,
        delta ? { 'X-Push-Mode': 'delta' } : {},
      );
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      expect(reply.status, reply.body).toBeLessThan(500);
      if (i % 25 === 0 || i === 1499) {
        const text = await scrapeText(gw.url);
        expect(scrapeProblems(text), `after push ${i}: ${path}\n${body}`).toEqual([]);
        if (i % 250 === 0 || i === 1499) expect(promtoolParseError(text)).toBeUndefined();
      }
    }
    // The run must exercise both sides: accepted pushes and refused ones.
    expect(statuses.get(200)).toBeGreaterThan(100);
    expect(statuses.get(400)).toBeGreaterThan(100);
  });
});
