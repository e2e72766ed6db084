import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../exposition/parse';
import { readProtobufRequest } from './decode';
import { readJsonRequest } from './decode-json';
import { translate } from './translate';

const LIMITS = {
  maxSamples: 10_000,
  maxLabelNameLength: 128,
  maxLabelValueLength: 1024,
  maxMetricNameLength: 256,
  maxHelpLength: 4096,
};
const kv = (key: string, value: object) => ({ key, value });
const str = (key: string, v: string) => kv(key, { stringValue: v });

function pushesOf(
  metrics: unknown[],
  resource: unknown[] = [
    str('service.name', 'svc'),
    str('service.instance.id', 'i-1'),
    str('host.name', 'h'),
  ],
) {
  const body = Buffer.from(
    JSON.stringify({
      resourceMetrics: [{ resource: { attributes: resource }, scopeMetrics: [{ metrics }] }],
    }),
  );
  return translate(readJsonRequest(body, { maxPoints: 10_000, maxAttributes: 128 }), {
    keepDeltaInstance: false,
    maxLabelValueLength: 1024,
    parseLimits: LIMITS,
  }).pushes;
}

const tricky = [
  str('quote', 'say "hi"'),
  str('back.slash', 'C:\\path\\'),
  str('new-line', 'a\nb'),
  str('unicode', 'Kumusta 👋 ñ'),
  kv('flag', { boolValue: true }),
  kv('big', { intValue: '9007199254740993' }),
  kv('list', { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 2 }] } }),
  str('collide.a', '1'),
  str('collide_a', '2'),
  str('empty', ''),
];

describe('a translated push is handed over parsed exactly as the parser reads its text', () => {
  it('for every type, tricky labels and values, HELP with escapes, target_info', () => {
    const pushes = pushesOf([
      {
        name: 'c',
        description: 'Counts\\ with a\nnewline',
        sum: {
          aggregationTemporality: 1,
          isMonotonic: true,
          dataPoints: [{ asInt: '5', attributes: tricky }, { asDouble: 0.1 + 0.2 }],
        },
      },
      {
        name: 'g',
        unit: '1',
        gauge: {
          dataPoints: [
            { asDouble: 'NaN' },
            { asDouble: '-Infinity', attributes: [str('k', 'v')] },
            { asDouble: 1e-300, attributes: [str('k', 'w')] },
          ],
        },
      },
      { name: 'cum', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ asDouble: 7.5 }] } },
      {
        name: 'h',
        unit: 'ms',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [
            {
              count: '6',
              sum: 12.25,
              explicitBounds: [0.5, 1, 2.5],
              bucketCounts: ['1', '2', '0', '3'],
              attributes: tricky,
            },
            { count: '0' },
          ],
        },
      },
      {
        name: 'dh',
        histogram: {
          aggregationTemporality: 1,
          dataPoints: [{ count: '2', sum: 3, explicitBounds: [1], bucketCounts: ['1', '1'] }],
        },
      },
      {
        name: 'e',
        unit: 's',
        exponentialHistogram: {
          aggregationTemporality: 1,
          dataPoints: [
            {
              attributes: tricky,
              count: '9',
              sum: 4.5,
              scale: 10,
              zeroCount: '1',
              positive: { offset: -3, bucketCounts: ['1', '2', '0', '3'] },
              negative: { offset: 1020, bucketCounts: ['2'] },
            },
            { count: '0', scale: -2 },
          ],
        },
      },
      {
        name: 's',
        summary: {
          dataPoints: [
            {
              count: '4',
              sum: 10,
              quantileValues: [
                { quantile: 0.5, value: 2 },
                { quantile: 0.99, value: 4.5 },
              ],
            },
          ],
        },
      },
    ]);
    expect(pushes.length).toBe(2);
    for (const push of pushes) {
      expect(push.parsed, push.text).toBeDefined();
      expect(push.parsed).toEqual(parseExposition(push.text, LIMITS, push.native));
    }
    expect(pushes.map((p) => p.text).join('')).toContain('target_info{host_name="h"}');
    // Scale 10 merged down to 8, four buckets a bucket: OTLP's -3…0 are native -2…1, that is 0 and 1.
    const e = pushes.find((p) => p.native)!.parsed!.families.get('e_seconds')!.metrics;
    expect(e.map((m) => m.native)).toEqual([
      {
        schema: 8,
        zeroThreshold: 1e-128,
        zeroCount: 1,
        float: false,
        positive: [
          [0, 3],
          [1, 3],
        ],
        negative: [[256, 2]],
      },
      { schema: -2, zeroThreshold: 1e-128, zeroCount: 0, float: false, positive: [], negative: [] },
    ]);
  });

  it('leaves to the parser what comes near its rules', () => {
    const [clash] = pushesOf([
      { name: 'x', histogram: { aggregationTemporality: 2, dataPoints: [{ count: '1', sum: 1 }] } },
      { name: 'x_count', gauge: { dataPoints: [{ asDouble: 1 }] } },
    ]);
    expect(clash!.parsed).toBeUndefined();
    const [help] = pushesOf([
      { name: 'y', description: '  indented', gauge: { dataPoints: [{ asDouble: 1 }] } },
    ]);
    expect(help!.parsed).toBeUndefined();
    const [le] = pushesOf([
      {
        name: 'z',
        histogram: { aggregationTemporality: 1, dataPoints: [{ count: '1', attributes: [str('le', '1')] }] },
      },
    ]);
    expect(le!.parsed).toBeUndefined();
    expect(() => parseExposition(le!.text, LIMITS)).toThrow(/text format parsing error/);
  });
});

describe('an exponential histogram point is bounded by its buckets', () => {
  const options = { keepDeltaInstance: false, maxLabelValueLength: 1024, parseLimits: LIMITS };
  /** A protobuf request of one delta exponential histogram point with `buckets` counts of 1. */
  const request = (buckets: number) => {
    const message = (build: (w: protobuf.Writer) => void) => {
      const w = protobuf.Writer.create();
      build(w);
      return w.finish();
    };
    const counts = message((w) => {
      w.uint32(18).fork();
      for (let i = 0; i < buckets; i++) w.uint64(1);
      w.ldelim();
    });
    const point = message((w) => w.uint32(33).fixed64(buckets).uint32(48).sint32(3).uint32(66).bytes(counts));
    const data = message((w) => w.uint32(10).bytes(point).uint32(16).int32(1));
    const metric = message((w) => w.uint32(10).string('e').uint32(82).bytes(data));
    const scope = message((w) => w.uint32(18).bytes(metric));
    return Buffer.from(message((w) => w.uint32(10).bytes(message((r) => r.uint32(18).bytes(scope)))));
  };

  it('more buckets than a push may hold samples: the point is rejected, naming the limit', () => {
    const limits = { maxPoints: 10_000, maxAttributes: 128 };
    const kept = translate(readProtobufRequest(request(100), limits), options);
    expect([kept.rejected, kept.pushes.length]).toEqual([0, 1]);
    const refused = translate(readProtobufRequest(request(LIMITS.maxSamples + 1), limits), options);
    expect(refused.rejected).toBe(1);
    expect(refused.problems[0]).toMatch(
      /has 10001 buckets, more than 10000 \(PUSHGATEWAY_MAX_SERIES_PER_PUSH\)/,
    );
  });

  it('more bytes of buckets than ten per allowed point: 413 before any is decoded', () => {
    const limits = { maxPoints: 100, maxAttributes: 128 };
    const resources = readProtobufRequest(request(1001), limits);
    expect(() => translate(resources, options)).toThrow(/"e" with 1004 bytes of buckets, more than 1000/);
    const thrown = (() => {
      try {
        translate(resources, options);
      } catch (error) {
        return error as { status?: number };
      }
    })();
    expect(thrown?.status).toBe(413);
    // 997 counts (1,000 bytes with the field's tag and length) are within it.
    expect(translate(readProtobufRequest(request(997), limits), options).rejected).toBe(0);
  });
});
