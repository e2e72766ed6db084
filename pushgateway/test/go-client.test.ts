import { readScrape } from '@brainbytes/testkit/exposition';
import type { RunningProcess } from '@brainbytes/testkit/processes';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GoHistogram, type GoPusher, goClientSetup } from './helpers/go-pusher';
import { request } from './helpers/http';

/**
 * The most used Pushgateway client, client_golang's push package, with its default (the protobuf
 * delimited format) and the text format, against the official gateway and ours: the scrapes must
 * agree. Built from Debian's packages in GOPATH mode, with no network.
 */
const OWN = /^(go_|process_|promhttp_|pushgateway_|nodejs_|push_(failure_)?time_seconds)/;

const setup = goClientSetup();
let official: RunningProcess;
let ours: RunningProcess;
let pusher: GoPusher;
beforeAll(() => {
  ({ official, ours, pusher } = setup);
});

const push = (gateway: RunningProcess, format: 'protobuf' | 'text', histogram: GoHistogram) =>
  pusher(gateway.url, format, histogram);

async function scrape(gateway: RunningProcess) {
  const reply = await request(gateway.url, { method: 'GET', path: '/metrics' });
  expect(reply.status).toBe(200);
  const parsed = readScrape(reply.body, (name) => !OWN.test(name));
  return {
    samples: [...parsed.samples].map(([key, value]) => `${key} ${value}`).sort(),
    types: Object.fromEntries(parsed.types),
    helps: Object.fromEntries(parsed.helps),
  };
}

async function wipe(gateway: RunningProcess) {
  expect((await request(gateway.url, { method: 'PUT', path: '/api/v1/admin/wipe' })).status).toBe(202);
}

describe('client_golang’s push package against the official gateway and ours', () => {
  for (const format of ['protobuf', 'text'] as const) {
    it(`${format === 'protobuf' ? 'the default (protobuf delimited)' : 'the text format'}: every metric type, the same scrape`, async () => {
      for (const gateway of [official, ours]) {
        await wipe(gateway);
        const result = await push(gateway, format, 'classic');
        expect(result.stderr, gateway === ours ? 'ours' : 'official').toBe('');
      }
      const [theirs, mine] = await Promise.all([scrape(official), scrape(ours)]);
      expect(mine.samples).toHaveLength(14); // 2 counters, a gauge, 4 summary, 6 histogram and 1 untyped samples
      expect(mine.samples).toEqual(theirs.samples);
      expect(mine.types).toEqual(theirs.types);
      expect(mine.helps).toEqual(theirs.helps);
      expect(mine.samples).toContain(
        'batch_records_total{instance="runner-1",job="nightly_import",table="students"} 42',
      );
    });
  }
});
