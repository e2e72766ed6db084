import { describe, expect, it } from 'vitest';
import { ApiError, errorText } from '../lib/api';
import { MESSAGES } from '../lib/i18n';

describe('what a student is told when the API says 429', () => {
  const limited = new ApiError(
    'you are asking faster than the tutor allows; try again in 90 seconds',
    429,
    'failed',
    90,
  );

  it('says it in English with the wait in minutes, and that the question is kept', () => {
    expect(errorText(limited, MESSAGES.en)).toBe(
      'Too many tries for now. Your question is kept on this phone; try again in 2 minutes.',
    );
  });

  it('says it in Filipino', () => {
    expect(errorText(limited, MESSAGES.fil)).toContain('subukan ulit sa loob ng 2 minuto');
  });

  it("never passes the API's English words on: a Filipino student reads Filipino", () => {
    const cases: [ApiError, string][] = [
      [new ApiError('the token has expired', 401, 'refused'), MESSAGES.fil.problem.loggedOut],
      [new ApiError('no connection', 0, 'offline'), MESSAGES.fil.problem.offline],
      [new ApiError('no connection', 0, 'failed'), MESSAGES.fil.problem.offline],
      [new ApiError('the request timed out', 0, 'timeout'), MESSAGES.fil.problem.timeout],
      [new ApiError('the API cannot be reached', 502, 'failed'), MESSAGES.fil.problem.unavailable],
      [new ApiError('subject must be one of …', 400, 'refused'), MESSAGES.fil.problem.unknown],
    ];
    for (const [error, text] of cases) expect(errorText(error, MESSAGES.fil)).toBe(text);
    expect(errorText(new Error('boom'), MESSAGES.fil)).toBe(MESSAGES.fil.problem.unknown);
  });
});

describe("the /api proxy's settings", () => {
  it('are read in one place, with defaults, and a bad value names its variable', async () => {
    const { proxySettings, clientAddressOf } = await import('../lib/proxy');
    expect(proxySettings({})).toEqual({
      apiUrl: 'http://127.0.0.1:3000',
      secret: undefined,
      trustProxyHops: 0, // no router in front: X-Forwarded-For is the client's word
      maxBodyBytes: 16384,
    });
    expect(proxySettings({ DYNO: 'web.1' }).trustProxyHops).toBe(1); // Heroku's router
    expect(() => proxySettings({ WEB_API_MAX_BODY_BYTES: 'lots' })).toThrow('WEB_API_MAX_BODY_BYTES');
    expect(() => proxySettings({ WEB_TRUST_PROXY_HOPS: '2' })).toThrow('WEB_TRUST_PROXY_HOPS');
    expect(() => proxySettings({ API_PROXY_SECRET: 'short' })).toThrow('API_PROXY_SECRET');
    expect(clientAddressOf('1.1.1.1, 203.0.113.6', 1)).toBe('203.0.113.6');
    expect(clientAddressOf('1.1.1.1, 203.0.113.6', 0)).toBe('unknown'); // ignored: the API counts the web app's address
    expect(clientAddressOf('not-an-ip', 1)).toBe('unknown');
  });
});
