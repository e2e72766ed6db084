import { describe, expect, it } from 'vitest';
import { asHttpError } from '../http/http-error';
import { MetricStore, type StoreOptions } from './metric-store';
import { PushRefused } from './refusal';
import type { Operation } from './types';

const options: StoreOptions = {
  groupTtlMs: 0,
  deltaTtlMs: 0,
  maxSeries: 3,
  maxBytes: 2 ** 30,
  maxGroups: 10,
  pushIdWindow: 10,
  pushIdMaxAgeMs: 60_000,
  reservedNames: new Set(['push_time_seconds']),
  parseLimits: { maxSamples: 100, maxLabelNameLength: 100, maxLabelValueLength: 100 },
};
const push = (body: string, job = 'a', pushId?: string): Operation => ({
  kind: 'push',
  method: 'POST',
  delta: false,
  group: [['job', job]],
  body,
  time: 1000,
  ...(pushId ? { pushId } : {}),
});

describe('the store refuses in its own terms; the gateway turns them into answers', () => {
  it('says why (a reason, not a status) and marks what clashes with stored metrics', () => {
    const store = new MetricStore(options);
    expect(store.apply(push('up 1\n'))).toEqual({ outcome: 'applied' });
    const clash = store.apply(push('# TYPE up gauge\nup 1\n', 'b'));
    expect(clash.outcome).toBe('refused');
    const refusal = (clash as { refusal: PushRefused }).refusal;
    expect(refusal).toBeInstanceOf(PushRefused);
    expect(refusal).toMatchObject({ reason: 'invalid', inconsistent: true });
    // The failed group's push_failure_time_seconds is set because the refusal says it clashed, not by its wording.
    const failed = [...store.groups.values()].find((g) => g.labels.some(([, v]) => v === 'b'));
    expect(failed?.failureTime).toBe(1);
    const over = store.apply(push('x{i="1"} 1\nx{i="2"} 1\nx{i="3"} 1\n', 'c'));
    expect((over as { refusal: PushRefused }).refusal).toMatchObject({
      reason: 'series',
      inconsistent: false,
    });
    expect(store.apply(push('y 1\n', 'd', 'id-1')).outcome).toBe('applied');
    expect(store.apply(push('y 1\n', 'd', 'id-1')).outcome).toBe('duplicate');
    expect(store.apply(push('y 2\n', 'd', 'id-1')).outcome).toBe('refused');
  });

  it('maps each reason to its status: a limit 413, a reused id 409, content 400', () => {
    const status = (e: unknown) => asHttpError(e)?.status;
    expect(status(new PushRefused('series', 'x'))).toBe(413);
    expect(status(new PushRefused('push_id_reused', 'x'))).toBe(409);
    expect(status(new PushRefused('invalid', 'x'))).toBe(400);
    expect(status(new Error('a bug'))).toBeUndefined();
    const store = new MetricStore(options);
    expect(() => store.parse('up 1')).toThrow(PushRefused);
  });
});
