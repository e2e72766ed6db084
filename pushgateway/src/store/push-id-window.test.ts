import { describe, expect, it } from 'vitest';
import { PushIdWindow } from './push-id-window';

describe('PushIdWindow', () => {
  it('counts what its remembered ids cost, and gives it back as they are evicted (by count and by age)', () => {
    const window = new PushIdWindow(3, 60_000);
    const id = (n: number) => `${'x'.repeat(120)}-${n}`;
    window.add(id(1), 0, 'f'.repeat(22));
    const one = window.bytes;
    expect(one).toBeGreaterThan(2 * (id(1).length + 22));
    window.add(id(2), 1, 'f'.repeat(22));
    window.add(id(3), 2, 'f'.repeat(22));
    expect(window.bytes).toBe(3 * one);
    window.add(id(3), 3, 'f'.repeat(22)); // the same id again: not counted twice
    expect(window.bytes).toBe(3 * one);
    window.add(id(4), 4, 'f'.repeat(22)); // past the count: the oldest goes
    expect([window.size, window.bytes]).toEqual([3, 3 * one]);
    expect(window.get(id(4), 120_000)).toBeUndefined(); // past the age: all go
    expect([window.size, window.bytes]).toEqual([0, 0]);
  });
});
