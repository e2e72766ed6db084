import { describe, expect, it } from 'vitest';
import { parseExposition } from './parse';

describe('parseExposition', () => {
  it('folds _bucket, _sum and _count into their histogram', () => {
    const { families } = parseExposition(
      '# TYPE h histogram\nh_bucket{a="1",le="0.5"} 2\nh_bucket{a="1",le="+Inf"} 3\nh_sum{a="1"} 1.25\nh_count{a="1"} 3\n',
    );
    const metric = families.get('h')!.metrics[0]!;
    expect([...metric.buckets!]).toEqual([
      [0.5, 2],
      [Number.POSITIVE_INFINITY, 3],
    ]);
    expect([metric.sum, metric.count, metric.labels]).toEqual([1.25, 3, [['a', '1']]]);
    expect(families.has('h_bucket')).toBe(false);
  });

  it('keeps _count as its own untyped family when no histogram or summary declares it', () => {
    const { families } = parseExposition('jobs_count 4\n');
    expect(families.get('jobs_count')!.type).toBe('untyped');
  });

  it('unescapes label values and HELP text', () => {
    const { families } = parseExposition('# HELP x a\\nb \\\\ c\nx{k="q\\"\\\\\\n"} 1\n');
    expect(families.get('x')!.help).toBe('a\nb \\ c');
    expect(families.get('x')!.metrics[0]!.labels).toEqual([['k', 'q"\\\n']]);
  });

  it('reads NaN, Inf and exponents in any case, and reports timestamps', () => {
    const parsed = parseExposition('a NaN\nb -inf\nc +Inf\nd 1e3\ne 2 1700000000\n');
    expect([...parsed.families.values()].map((f) => f.metrics[0]!.value)).toEqual([
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      1000,
      2,
    ]);
    expect(parsed.hasTimestamp).toBe(true);
  });

  it.each([
    ['x{a="1" 1\n', /line 1: unexpected end of label value for metric "x"/],
    ['x{1a="v"} 1\n', /invalid label name for metric "x"/],
    ['x{a="v",a="w"} 1\n', /duplicate label name "a"/],
    ['x 1x\n', /expected float as value, got "1x"/],
    ['ok 1\n# TYPE y countr\n', /line 2: unknown metric type "countr"/],
    ['x 1\n# TYPE x counter\n', /TYPE reported after samples/],
    ['# HELP x a\n# HELP x b\n', /second HELP line for metric name "x"/],
    ['# TYPE h histogram\nh_bucket{le="high"} 1\n', /expected float as value for "le" label, got "high"/],
  ])('refuses %j with a message naming the problem', (text, message) => {
    expect(() => parseExposition(text)).toThrow(message);
  });
});
