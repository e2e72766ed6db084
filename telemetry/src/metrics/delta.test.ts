import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectDelta } from './delta';

function setup() {
  const registry = new Registry();
  const counter = new Counter({ name: 'q_total', help: 'h', labelNames: ['subject'], registers: [registry] });
  const gauge = new Gauge({ name: 'pool', help: 'h', registers: [registry] });
  const histogram = new Histogram({ name: 'd_seconds', help: 'h', buckets: [0.1, 1], registers: [registry] });
  return { registry, counter, gauge, histogram };
}

describe('collectDelta', () => {
  it('sends counter and histogram increments since the acknowledged snapshot, and gauges as they are', async () => {
    const { registry, counter, gauge, histogram } = setup();
    counter.inc({ subject: 'math' }, 3);
    gauge.set(7);
    histogram.observe(0.05);
    const first = await collectDelta(registry, new Map(), 100);
    expect(first.text).toContain('q_total{subject="math"} 3\n');
    expect(first.text).toContain('d_seconds_bucket{le="0.1"} 1\n');
    counter.inc({ subject: 'math' }, 2);
    const second = await collectDelta(registry, first.snapshot, 100);
    expect(second.text).toContain('q_total{subject="math"} 2\n');
    expect(second.text).toContain('pool 7\n');
    expect(second.text).not.toContain('d_seconds'); // unchanged histograms are left out
  });

  it('counts from zero again after a registry reset', async () => {
    const { registry, counter } = setup();
    counter.inc({ subject: 'math' }, 5);
    const first = await collectDelta(registry, new Map(), 100);
    registry.resetMetrics();
    counter.inc({ subject: 'math' }, 2);
    expect((await collectDelta(registry, first.snapshot, 100)).text).toContain('q_total{subject="math"} 2\n');
  });

  it('leaves families past maxSeries for a later push and reports them', async () => {
    const { registry, counter, gauge } = setup();
    for (const subject of ['a', 'b', 'c']) counter.inc({ subject });
    gauge.set(1);
    const delta = await collectDelta(registry, new Map(), 2);
    expect(delta.dropped).toBe(3);
    expect(delta.text).not.toContain('q_total');
    expect(delta.snapshot.has('q_total{subject="a"}')).toBe(false);
  });

  it("sends the push client's drop counter first, even when gauges alone fill maxSeries", async () => {
    const { registry, gauge } = setup();
    gauge.set(1);
    const busy = new Gauge({ name: 'busy', help: 'h', labelNames: ['n'], registers: [registry] });
    for (let n = 0; n < 5; n++) busy.set({ n: String(n) }, n);
    const dropped = new Counter({
      name: 'brainbytes_push_client_dropped_samples_total',
      help: 'h',
      labelNames: ['reason'],
      registers: [registry],
    });
    dropped.inc({ reason: 'series_limit' }, 6);
    const delta = await collectDelta(registry, new Map(), 2);
    expect(delta.text).toContain('brainbytes_push_client_dropped_samples_total{reason="series_limit"} 6\n');
    expect(delta.dropped).toBe(5); // the counter and pool fit; busy's five wait
  });
});
