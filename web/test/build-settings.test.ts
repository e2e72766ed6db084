import { describe, expect, it } from 'vitest';
import { offlineSessions } from '../lib/build-settings';

describe('NEXT_PUBLIC_OFFLINE_SESSIONS', () => {
  it('is 5 unset, a whole number up to the sessions a phone keeps, and a bad value names itself', () => {
    expect(offlineSessions(undefined)).toBe(5);
    expect(offlineSessions(' ')).toBe(5);
    expect(offlineSessions('0')).toBe(0);
    expect(offlineSessions('20')).toBe(20);
    // Read as Number(…) || 5 before: "five" and "2.5" were taken silently, "50" past what is kept.
    for (const bad of ['five', '2.5', '-1', '50'])
      expect(() => offlineSessions(bad)).toThrow(
        `NEXT_PUBLIC_OFFLINE_SESSIONS="${bad}" must be a whole number from 0 to 20`,
      );
  });
});
