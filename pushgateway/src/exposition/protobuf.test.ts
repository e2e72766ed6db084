import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { METRICS_PROTO } from './metrics-proto';
import { parseExposition } from './parse';
import { decodeProtobufPush } from './protobuf';

const LIMITS = {
  maxSamples: 10_000,
  maxLabelNameLength: 128,
  maxLabelValueLength: 1024,
  maxMetricNameLength: 256,
  maxHelpLength: 4096,
};
const MetricFamily = protobuf.Root.fromJSON(METRICS_PROTO).lookupType('io.prometheus.client.MetricFamily');
const COUNTER = 0;
const GAUGE = 1;
const SUMMARY = 2;
const UNTYPED = 3;
const HISTOGRAM = 4;

/** A client_golang-style push: delimited MetricFamily messages. */
const push = (...families: object[]) =>
  Buffer.concat(families.map((f) => MetricFamily.encodeDelimited(MetricFamily.fromObject(f)).finish()));
const label = (name: string, value: string) => ({ name, value });
const decode = (body: Uint8Array) => decodeProtobufPush(body, 1 << 20, LIMITS);

describe('a protobuf push is handed over parsed exactly as the parser reads its text', () => {
  it('for every type, labels in any order, tricky values, HELP with escapes', () => {
    const { text, parsed } = decode(
      push(
        {
          name: 'jobs_total',
          help: 'Jobs\\ done\nper "kind"',
          type: COUNTER,
          metric: [
            { label: [label('z', 'last'), label('a', 'say "hi"\n\\')], counter: { value: 5 } },
            { label: [label('a', 'Kumusta 👋')], counter: { value: 0.1 + 0.2 } },
          ],
        },
        {
          name: 'temp',
          help: '',
          type: GAUGE,
          metric: [{ gauge: { value: -0 } }, { label: [label('k', '')], gauge: { value: Number.NaN } }],
        },
        { name: 'raw', type: UNTYPED, metric: [{ untyped: { value: -1e-300 } }] },
        {
          name: 'latency_seconds',
          type: SUMMARY,
          metric: [
            {
              label: [label('route', '/ask')],
              summary: {
                sampleCount: '9007199254740993',
                sampleSum: 12.5,
                quantile: [
                  { quantile: 0.5, value: 0.2 },
                  { quantile: 0.99, value: 1.5 },
                ],
              },
            },
          ],
        },
        {
          name: 'size_bytes',
          type: HISTOGRAM,
          metric: [
            {
              label: [label('z', '1'), label('b', '2')],
              histogram: {
                sampleCount: 6,
                sampleSum: 4096,
                bucket: [
                  { upperBound: 100, cumulativeCount: 1 },
                  { upperBound: 1000, cumulativeCount: 4 },
                ],
              },
            },
            {
              histogram: {
                sampleCountFloat: 2.5,
                sampleSum: 1,
                bucket: [{ upperBound: Number.POSITIVE_INFINITY, cumulativeCountFloat: 2.5 }],
              },
            },
          ],
        },
        { name: 'empty_family', type: GAUGE, metric: [] },
      ),
    );
    expect(parsed, text).toBeDefined();
    expect(parsed).toEqual(parseExposition(text, LIMITS));
  });

  it.each([
    [
      'a family given twice',
      [
        { name: 'x', type: GAUGE, metric: [{ gauge: { value: 1 } }] },
        { name: 'x', type: GAUGE, metric: [{ gauge: { value: 2 } }] },
      ],
    ],
    [
      'a suffix clash',
      [
        { name: 'h', type: HISTOGRAM, metric: [{ histogram: { sampleCount: 1 } }] },
        { name: 'h_count', type: GAUGE, metric: [{ gauge: { value: 1 } }] },
      ],
    ],
    [
      'le on a histogram',
      [
        {
          name: 'h',
          type: HISTOGRAM,
          metric: [{ label: [label('le', '1')], histogram: { sampleCount: 1 } }],
        },
      ],
    ],
    [
      'an invalid label name',
      [{ name: 'g', type: GAUGE, metric: [{ label: [label('a-b', '1')], gauge: { value: 1 } }] }],
    ],
    [
      'a reserved label name',
      [{ name: 'g', type: GAUGE, metric: [{ label: [label('__x', '1')], gauge: { value: 1 } }] }],
    ],
    [
      'a label given twice',
      [
        {
          name: 'g',
          type: GAUGE,
          metric: [{ label: [label('a', '1'), label('a', '2')], gauge: { value: 1 } }],
        },
      ],
    ],
    [
      'a series given twice',
      [
        {
          name: 'g',
          type: SUMMARY,
          metric: [{ summary: { sampleCount: 1 } }, { summary: { sampleCount: 2 } }],
        },
      ],
    ],
    ['an invalid metric name', [{ name: '1x', type: GAUGE, metric: [{ gauge: { value: 1 } }] }]],
    [
      'a HELP with leading blanks',
      [{ name: 'g', help: '  x', type: GAUGE, metric: [{ gauge: { value: 1 } }] }],
    ],
    [
      'a HELP with a carriage return',
      [{ name: 'g', help: 'a\rb', type: GAUGE, metric: [{ gauge: { value: 1 } }] }],
    ],
    ['a timestamp', [{ name: 'g', type: GAUGE, metric: [{ gauge: { value: 1 }, timestampMs: 5 }] }]],
  ])('leaves %s to the parser, or reads it as the parser does', (_, families) => {
    const { text, parsed } = decode(push(...(families as object[])));
    let expected: unknown;
    try {
      expected = parseExposition(text, LIMITS);
    } catch {
      expected = undefined;
    }
    // Either the parser decides (undefined here), or the two agree exactly.
    if (parsed !== undefined) expect(parsed).toEqual(expected);
    else expect(parsed).toBeUndefined();
    if (expected === undefined) expect(parsed).toBeUndefined();
  });
});

describe('the decoded text meets the body limit in UTF-8 bytes', () => {
  const pushOf = (n: number) =>
    push({
      name: 'g',
      type: GAUGE,
      metric: Array.from({ length: n }, (_, i) => ({
        label: [label('v', `ñ${i}`.padEnd(40, 'ñ'))],
        gauge: { value: i },
      })),
    });
  it('takes a push whose text is within the limit, counted exactly near it, and refuses one byte over', () => {
    const { text } = decodeProtobufPush(pushOf(200), 1 << 22, LIMITS);
    const bytes = Buffer.byteLength(text);
    expect(bytes).toBeGreaterThan(text.length); // ñ is two bytes: counting units would be wrong
    expect(decodeProtobufPush(pushOf(200), bytes, LIMITS).text).toBe(text);
    expect(() => decodeProtobufPush(pushOf(200), bytes - 1, LIMITS)).toThrow(/larger than/);
  });
});

describe('native histograms are decoded with their buckets made absolute', () => {
  const native = (histogram: object, labels = [label('route', '/ask')]) =>
    push({ name: 'latency_seconds', type: HISTOGRAM, metric: [{ label: labels, histogram }] });

  it('integer deltas and float counts, with or without labels, exactly as the parser reads the text', () => {
    for (const [histogram, labels] of [
      [
        {
          sampleCount: 9,
          sampleSum: 4.5,
          schema: 2,
          zeroThreshold: 1e-3,
          zeroCount: 1,
          positiveSpan: [
            { offset: -1, length: 2 },
            { offset: 2, length: 1 },
          ],
          positiveDelta: [3, -1, 1],
          negativeSpan: [{ offset: 0, length: 1 }],
          negativeDelta: [2],
        },
        [label('route', '/ask')],
      ],
      [
        {
          sampleCountFloat: 2.5,
          sampleSum: 1,
          schema: 0,
          positiveSpan: [{ offset: 1, length: 1 }],
          positiveCount: [2.5],
        },
        [],
      ],
    ] as const) {
      const { text, parsed, native: flagged } = decode(native(histogram, [...labels]));
      expect(flagged).toBe(true);
      expect(parsed).toEqual(parseExposition(text, LIMITS, true));
      const metric = parsed!.families.get('latency_seconds')!.metrics[0]!;
      if ('positiveDelta' in histogram) {
        expect(metric.native).toEqual({
          schema: 2,
          zeroThreshold: 1e-3,
          zeroCount: 1,
          float: false,
          positive: [
            [-1, 3],
            [0, 2],
            [3, 3],
          ],
          negative: [[0, 2]],
        });
        expect(parsed!.sampleCount, 'four buckets count as samples').toBe(1 + 2 + 1 + 4);
      } else expect(metric.native).toMatchObject({ float: true, positive: [[1, 2.5]], negative: [] });
    }
  });

  it('spans that do not cover the counts, or counts of both kinds, are a 400 naming the family', () => {
    for (const [histogram, why] of [
      [
        { schema: 0, positiveSpan: [{ offset: 0, length: 3 }], positiveDelta: [1, 1] },
        /positive spans do not cover/,
      ],
      [
        { schema: 0, negativeSpan: [{ offset: 0, length: 1 }], negativeDelta: [1, 1] },
        /negative spans do not cover/,
      ],
      [{ sampleCountFloat: 1, schema: 0, positiveDelta: [1] }, /mixes integer and float/],
    ] as const) {
      expect(() => decode(native(histogram)), String(why)).toThrow(why);
      expect(() => decode(native(histogram)), String(why)).toThrow(/latency_seconds/);
    }
  });
});

describe('a histogram’s buckets are bounded on the wire before it is decoded', () => {
  const histogram = (deltas: number) =>
    push({
      name: 'wide_seconds',
      type: HISTOGRAM,
      metric: [
        {
          histogram: {
            sampleCount: deltas,
            schema: 0,
            positiveSpan: [{ offset: 0, length: deltas }],
            positiveDelta: [1, ...Array.from({ length: deltas - 1 }, () => 0)],
          },
        },
      ],
    });

  it('at ten bytes per sample a push may hold: 413 naming the family above it', () => {
    // LIMITS allows 10,000 samples: 100,000 bytes of buckets. One byte a delta, plus a few for the spans.
    expect(() => decode(histogram(99_900))).not.toThrow();
    const refused = (() => {
      try {
        decode(histogram(100_001));
      } catch (error) {
        return error as { status: number; message: string };
      }
    })();
    expect(refused?.status).toBe(413);
    expect(refused?.message).toMatch(
      /a histogram of wide_seconds holds 1000\d\d bytes of buckets, more than 100000/,
    );
  });
});
