import { describe, expect, it } from 'vitest';
import { Kept } from '../server/kept';

/** A `make` that counts its calls and resolves when told. */
function maker(value: string) {
  let calls = 0;
  let resolve: (v: string) => void = () => {};
  return {
    make: () => {
      calls++;
      return new Promise<string>((r) => {
        resolve = r;
      });
    },
    finish: () => resolve(value),
    calls: () => calls,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('results kept by key (server/kept.ts)', () => {
  it('makes a result once however many ask for it while it is being made, and then reuses it', async () => {
    const kept = new Kept<string>({ maxBytes: 100, ttlMs: 60_000, bytesOf: (v) => v.length });
    const page = maker('page');
    const asked = Array.from({ length: 20 }, () => kept.get('/ask en', page.make));
    page.finish();
    expect(await Promise.all(asked)).toEqual(Array(20).fill('page'));
    expect(await kept.get('/ask en', page.make)).toBe('page');
    expect(page.calls()).toBe(1);
    expect(kept.bytes).toBe(4);
  });

  it('makes it again once it is older than ttlMs', async () => {
    const kept = new Kept<string>({ maxBytes: 100, ttlMs: 30, bytesOf: (v) => v.length });
    let calls = 0;
    const make = async () => `v${++calls}`;
    expect(await kept.get('k', make)).toBe('v1');
    expect(await kept.get('k', make)).toBe('v1');
    await new Promise((r) => setTimeout(r, 40));
    expect(await kept.get('k', make)).toBe('v2');
    expect(kept.bytes).toBe(2);
  });

  it('holds at most maxBytes, dropping the least recently used first', async () => {
    const kept = new Kept<string>({ maxBytes: 10, ttlMs: 60_000, bytesOf: (v) => v.length });
    await kept.get('a', async () => 'aaaa');
    await kept.get('b', async () => 'bbbb');
    await kept.get('a', async () => 'not made');
    await kept.get('c', async () => 'cccc');
    await settle();
    expect(kept.keys()).toEqual(['a', 'c']);
    expect(kept.bytes).toBe(8);
    // One result over the bound alone is given, not kept, and drops nothing.
    expect(await kept.get('big', async () => 'x'.repeat(11))).toHaveLength(11);
    await settle();
    expect(kept.keys()).toEqual(['a', 'c']);
    expect(kept.bytes).toBe(8);
  });

  it('keeps no failure: the next ask makes it again', async () => {
    const kept = new Kept<string>({ maxBytes: 100, ttlMs: 60_000, bytesOf: (v) => v.length });
    await expect(kept.get('k', async () => Promise.reject(new Error('render failed')))).rejects.toThrow(
      'render failed',
    );
    await settle();
    expect(await kept.get('k', async () => 'ok')).toBe('ok');
    expect(kept.bytes).toBe(2);
  });
});
