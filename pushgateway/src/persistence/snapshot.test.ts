import { describe, expect, it } from 'vitest';
import { labelText } from '../store/label-text';
import { MetricStore, type StoreOptions } from '../store/metric-store';
import { SnapshotReader, snapshotPieces } from './snapshot';

const options: StoreOptions = {
  groupTtlMs: 0,
  deltaTtlMs: 0,
  maxSeries: 1_000_000,
  maxBytes: 2 ** 40,
  maxGroups: 1000,
  pushIdWindow: 10,
  pushIdMaxAgeMs: 60_000,
  reservedNames: new Set(),
  parseLimits: { maxSamples: 100_000, maxLabelNameLength: 100, maxLabelValueLength: 2000 },
};

describe('snapshots are JSON lines of bounded size, both ways', () => {
  it('writes 60 MB of families as many short lines and reads it back line by line', () => {
    const store = new MetricStore(options);
    const value = String.fromCharCode(2).repeat(500);
    for (let part = 0; part < 4; part++) {
      const body = Array.from({ length: 5000 }, (_, i) => `big${part}{v="${value}-${i}"} ${i}\n`).join('');
      const op = {
        kind: 'push',
        method: 'POST',
        delta: false,
        group: [['job', `g${part % 2}`]],
        body,
        time: 1,
      } as const;
      expect(
        store.apply({ ...op, group: [['job', `g${part % 2}`]] as Array<[string, string]> }).outcome,
      ).toBe('applied');
    }
    store.apply({
      kind: 'push',
      method: 'PUT',
      delta: false,
      group: [['job', 'h']],
      body: '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum NaN\nh_count 1\n',
      time: 2,
      pushId: 'p1',
    });
    const pieces = [...snapshotPieces(store, '42')];
    const lines = pieces.flatMap((p) => p.split('\n')).filter(Boolean);
    expect(pieces.reduce((n, p) => n + p.length, 0)).toBeGreaterThan(60_000_000);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(4 * 1024 * 1024);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(2 * 1024 * 1024);

    const copy = new MetricStore(options);
    const reader = new SnapshotReader(copy, labelText);
    for (const line of lines) reader.line(line);
    expect(reader.finish()).toBe('42');
    expect(copy.seriesTotal).toBe(store.seriesTotal);
    expect(copy.bytesTotal).toBe(store.bytesTotal);
    expect(copy.pushIds.get('p1', 3)).toBe(store.pushIds.get('p1', 3));
    const metric = copy.groups
      .get(labelText([['job', 'h']]))!
      .families.get('h')!
      .metrics.values()
      .next().value!;
    expect(Number.isNaN(metric.sum)).toBe(true);
  });

  it('still reads a version 1 snapshot (one JSON document)', () => {
    const copy = new MetricStore(options);
    const reader = new SnapshotReader(copy, labelText);
    reader.line(
      JSON.stringify({
        version: 1,
        position: '7',
        pushIds: [['old', 5]],
        groups: [
          {
            labels: [['job', 'a']],
            pushTime: 1,
            failureTime: 0,
            lastPushMs: 1000,
            delta: false,
            families: [{ name: 'x', type: 'gauge', metrics: [['instance="",job="a"', 3, 0, 0]] }],
          },
        ],
      }),
    );
    expect(reader.finish()).toBe('7');
    expect(copy.seriesTotal).toBe(1);
    expect(copy.pushIds.get('old', 6)).toBe('');
  });
});

describe('jsonBytes', () => {
  it('is exactly the size of the JSON-escaped UTF-8 text, for plain and hostile label text', async () => {
    const { jsonBytes } = await import('../store/series-count');
    for (const text of [
      'a="1",job="x"',
      'a="q\\"uote\\\\d"',
      `v="${String.fromCharCode(1).repeat(10)}"`,
      'n="Ñiño ✓"',
      '',
    ]) {
      expect(jsonBytes(text), text).toBe(Buffer.byteLength(JSON.stringify(text)));
    }
  });

  it('keeps native histograms: schema, zero bucket and buckets of both signs', () => {
    const store = new MetricStore(options);
    const body =
      '# TYPE n histogram\nn_bucket{le="+Inf"} 6\nn_sum 2.5\nn_count 6\n' +
      'n{} {schema:3,zero_threshold:1e-9,zero_count:1,float:0,positive:[-13:1,26:3],negative:[5:1]}\n';
    const op = {
      kind: 'push',
      method: 'PUT',
      delta: false,
      group: [['job', 'n']],
      body,
      time: 1,
      native: true,
    } as const;
    expect(store.apply({ ...op, group: [['job', 'n']] }).outcome).toBe('applied');
    const copy = new MetricStore(options);
    const reader = new SnapshotReader(copy, labelText);
    for (const line of [...snapshotPieces(store, '7')].join('').split('\n')) reader.line(line);
    reader.finish();
    const read = (s: MetricStore) => s.groups.get(labelText([['job', 'n']]))!.families.get('n')!.metrics;
    expect([...read(copy).values()]).toEqual([...read(store).values()]);
    expect([...read(copy).values()][0]!.native).toEqual({
      schema: 3,
      zeroThreshold: 1e-9,
      zeroCount: 1,
      float: false,
      positive: [
        [-13, 1],
        [26, 3],
      ],
      negative: [[5, 1]],
    });
    expect(copy.bytesTotal).toBe(store.bytesTotal);
    expect(copy.seriesTotal).toBe(store.seriesTotal);
  });
});
