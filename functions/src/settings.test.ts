import { describe, expect, it } from 'vitest';
import { loadAiConfig } from './ai/config';
import { loadApiConfig } from './api/config';
import { rateSetting } from './settings';

describe('numeric settings are checked where they are read', () => {
  it.each([
    ['AUTH_TOKEN_TTL_HOURS', 'abc'],
    ['AUTH_TOKEN_TTL_HOURS', '-1'],
    ['AI_CALL_TIMEOUT_MS', '0.5'],
    ['API_RUM_BATCHES_PER_MINUTE', '0'],
    ['API_RATE_QUESTIONS', '5 per minute'],
    ['API_RATE_LOGIN_ADDRESS', '0/1m'],
    ['API_PROXY_SECRET', 'short'],
  ])('refuses %s=%s at start, naming the variable', (name, value) => {
    expect(() => loadApiConfig({ [name]: value })).toThrow(name);
  });

  it('accepts a fractional token lifetime (30 minutes)', () => {
    expect(loadApiConfig({ AUTH_TOKEN_TTL_HOURS: '0.5' }).tokenTtlHours).toBe(0.5);
  });

  it('refuses AI_TIMEOUT_MS that is not a whole number of milliseconds', () => {
    expect(() => loadAiConfig({ AI_TIMEOUT_MS: '1e9999' })).toThrow('AI_TIMEOUT_MS');
  });

  it('reads rates as a burst and a refill over a window', () => {
    expect(rateSetting('X', '5,3/1m', '1/1s')).toEqual({ burst: 5, refill: 3, windowSeconds: 60 });
    expect(rateSetting('X', undefined, '5/15m')).toEqual({ burst: 5, refill: 5, windowSeconds: 900 });
    expect(rateSetting('X', '100/1d', '1/1s')).toEqual({ burst: 100, refill: 100, windowSeconds: 86_400 });
  });
});
