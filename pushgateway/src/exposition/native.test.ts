import { describe, expect, it } from 'vitest';
import {
  addNative,
  fromSpans,
  type NativeHistogram,
  nativeProblem,
  nativeText,
  parseNativeText,
  toSpans,
} from './native';

const h = (over: Partial<NativeHistogram>): NativeHistogram => ({
  schema: 0,
  zeroThreshold: 0,
  zeroCount: 0,
  positive: [],
  negative: [],
  float: false,
  ...over,
});

describe('native histograms', () => {
  it('are written in the log as one blank-free value and read back exactly', () => {
    const histogram = h({
      schema: -2,
      zeroThreshold: 2.938735877055719e-39,
      zeroCount: 3,
      positive: [
        [-13, 1],
        [0, 0],
        [26, 1e21],
      ],
      negative: [[5, 0.25]],
      float: true,
    });
    const text = nativeText(histogram);
    expect(text).not.toMatch(/\s/);
    expect(parseNativeText(text)).toEqual(histogram);
    expect(parseNativeText(nativeText(h({})))).toEqual(h({}));
    for (const broken of [
      '{schema:1}',
      text.replace('positive', 'positives'),
      text.replace('-13:1', '-13:x'),
      '{}',
    ])
      expect(parseNativeText(broken), broken).toBeUndefined();
  });

  it('turn into spans and counts and back, gaps as offsets after the span before', () => {
    const buckets: Array<[number, number]> = [
      [-3, 1],
      [-2, 4],
      [2, 7],
      [9, 1],
      [10, 2],
    ];
    const { spans, counts } = toSpans(buckets);
    expect(spans).toEqual([
      { offset: -3, length: 2 },
      { offset: 3, length: 1 },
      { offset: 6, length: 2 },
    ]);
    expect(counts).toEqual([1, 4, 7, 1, 2]);
    expect(fromSpans(spans, counts)).toEqual(buckets);
    expect(fromSpans(spans, counts.slice(1)), 'a count short').toBeUndefined();
    expect(fromSpans(spans, [...counts, 1]), 'a count over').toBeUndefined();
    expect(fromSpans([{ offset: 2 ** 30, length: 1 }], [1]), 'an index out of any range').toBeUndefined();
  });

  it('add up at the coarser schema, as Prometheus adds histograms', () => {
    // Schema 1: buckets (2^((i-1)/2), 2^(i/2)]; at schema 0, buckets 1 and 2 become bucket 1, 3 and 4 bucket 2.
    const fine = h({
      schema: 1,
      positive: [
        [1, 1],
        [2, 2],
        [3, 4],
        [4, 8],
      ],
      negative: [[-1, 1]],
    });
    const coarse = h({ schema: 0, positive: [[2, 100]], negative: [[0, 10]], zeroCount: 5 });
    expect(addNative(fine, coarse)).toEqual(
      h({
        schema: 0,
        zeroCount: 5,
        positive: [
          [1, 3],
          [2, 112],
        ],
        negative: [[0, 11]],
      }),
    );
    expect(fine.positive, 'the operands are left as they were').toHaveLength(4);
  });

  it('fold into the zero bucket what lies wholly inside the wider zero threshold', () => {
    const a = h({ zeroThreshold: 0.5, zeroCount: 1 });
    const b = h({
      positive: [
        [-1, 2], // (0.25, 0.5]: inside
        [0, 3], // (0.5, 1]: outside
      ],
      negative: [[-2, 4]], // [-0.25, -0.125): inside
    });
    expect(addNative(a, b)).toEqual(h({ zeroThreshold: 0.5, zeroCount: 7, positive: [[0, 3]] }));
  });

  it('are refused for what Prometheus refuses', () => {
    expect(nativeProblem(h({ positive: [[1, 2]] }), 2, 1)).toBeUndefined();
    expect(nativeProblem(h({ schema: 9 }), 0, 0)).toMatch(/schema 9/);
    expect(nativeProblem(h({ schema: -5 }), 0, 0)).toMatch(/schema -5/);
    expect(nativeProblem(h({ zeroThreshold: -1 }), 0, 0)).toMatch(/zero threshold/);
    expect(nativeProblem(h({ positive: [[1, 3]] }), 2, 1)).toMatch(/hold 3 observations but its count is 2/);
    expect(
      nativeProblem(h({ positive: [[1, 3]] }), 2, Number.NaN),
      'a NaN sum is not checked',
    ).toBeUndefined();
    expect(nativeProblem(h({ positive: [[1, -1]] }), 2, 1)).toMatch(/count of -1/);
    expect(nativeProblem(h({ positive: [[1, 0.5]] }), 2, 1)).toMatch(/integer histogram/);
    expect(nativeProblem(h({ positive: [[1, 0.5]], float: true }), 2, 1)).toBeUndefined();
    expect(
      nativeProblem(
        h({
          positive: [
            [2, 1],
            [1, 1],
          ],
        }),
        2,
        1,
      ),
    ).toMatch(/out of order/);
  });
});
