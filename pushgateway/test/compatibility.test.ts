import { readScrape, type Scrape } from '@brainbytes/testkit/exposition';
import {
  type RunningProcess,
  startGatewayProcess,
  startOfficialGateway,
} from '@brainbytes/testkit/processes';
import { Counter, Pushgateway, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatibilityCases } from './compatibility-cases';
import { request } from './helpers/http';
import { readProtobufScrape } from './helpers/protobuf-scrape';

// Each gateway's own metrics differ by implementation (Go vs Node.js) and are left out.
const OWN = /^(go_|process_|promhttp_|pushgateway_|nodejs_)/;
const keep = (name: string) => !OWN.test(name);

/** push_time_seconds and push_failure_time_seconds are clocks: compare only whether they are set. */
function comparable(scrape: Scrape) {
  const samples = [...scrape.samples].map(([key, value]) =>
    /^push_(failure_)?time_seconds\{/.test(key) ? `${key} ${value > 0 ? 'set' : '0'}` : `${key} ${value}`,
  );
  return {
    samples: samples.sort(),
    types: Object.fromEntries(scrape.types),
    helps: Object.fromEntries(scrape.helps),
  };
}

async function scrapeOf(gateway: RunningProcess) {
  const reply = await request(gateway.url, { method: 'GET', path: '/metrics' });
  expect(reply.status).toBe(200);
  return comparable(readScrape(reply.body, keep));
}

describe('compatibility with the official Pushgateway (Debian prometheus-pushgateway 1.5)', () => {
  let official: RunningProcess;
  let ours: RunningProcess;

  beforeAll(async () => {
    [official, ours] = await Promise.all([
      startOfficialGateway(),
      startGatewayProcess({ PUSHGATEWAY_PERSISTENCE: 'memory' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([official?.stop(), ours?.stop()]);
  });

  it('has a table of at least 40 cases', () => {
    expect(compatibilityCases.length).toBeGreaterThanOrEqual(40);
  });

  for (const testCase of compatibilityCases) {
    it(testCase.name, async () => {
      const statuses = { official: [] as number[], ours: [] as number[] };
      for (const gateway of ['official', 'ours'] as const) {
        const target = gateway === 'official' ? official : ours;
        expect((await request(target.url, { method: 'PUT', path: '/api/v1/admin/wipe' })).status).toBe(202);
        for (const step of testCase.steps) statuses[gateway].push((await request(target.url, step)).status);
      }
      if (testCase.differs) {
        expect(statuses.official, 'the official gateway').toEqual(testCase.differs.official);
        expect(statuses.ours, `ours (${testCase.differs.why})`).toEqual(testCase.differs.ours);
        const stored = (await scrapeOf(ours)).samples.filter((s) => !s.startsWith('push_'));
        expect(stored, 'a refused push stores nothing').toEqual([]);
        return;
      }
      expect(statuses.ours).toEqual(statuses.official);
      const [theirs, mine] = await Promise.all([scrapeOf(official), scrapeOf(ours)]);
      expect(mine.samples).toEqual(theirs.samples);
      expect(mine.types).toEqual(theirs.types);
      if (testCase.compareHelp !== false) expect(mine.helps).toEqual(theirs.helps);
      // And in protobuf, as Prometheus with native histograms on asks for it.
      const [theirBinary, myBinary] = await Promise.all([
        readProtobufScrape(official.url, keep),
        readProtobufScrape(ours.url, keep),
      ]);
      expect([...myBinary.keys()].sort()).toEqual([...theirBinary.keys()].sort());
      for (const [name, family] of theirBinary) {
        const mineOf = myBinary.get(name)!;
        expect([mineOf.type, Object.fromEntries(mineOf.metrics)], name).toEqual([
          family.type,
          Object.fromEntries(family.metrics),
        ]);
        if (testCase.compareHelp !== false) expect(mineOf.help, name).toEqual(family.help);
      }
    });
  }

  it("prom-client's Pushgateway class works unchanged against both", async () => {
    const results = [];
    for (const target of [official, ours]) {
      await request(target.url, { method: 'PUT', path: '/api/v1/admin/wipe' });
      const registry = new Registry();
      const counter = new Counter({
        name: 'jobs_done_total',
        help: 'Jobs done.',
        labelNames: ['kind'],
        registers: [registry],
      });
      counter.inc({ kind: 'nightly' }, 3);
      const client = new Pushgateway(target.url, {}, registry);
      await client.pushAdd({ jobName: 'batch', groupings: { zone: 'ph' } });
      counter.inc({ kind: 'nightly' }, 2);
      await client.push({ jobName: 'batch', groupings: { zone: 'ph' } });
      results.push(await scrapeOf(target));
    }
    expect(results[1]!.samples).toContain(
      'jobs_done_total{instance="",job="batch",kind="nightly",zone="ph"} 5',
    );
    expect(results[1]).toEqual(results[0]);
  });
});
