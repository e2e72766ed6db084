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

describe('every setting of the functions is read by their loaders', () => {
  it('honours LOG_LEVEL (the servers and Lambdas logged at info whatever it said)', () => {
    expect(loadApiConfig({ LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(loadAiConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => loadApiConfig({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL="verbose"');
  });

  it('binds as told (API_HOST, AI_HOST), on a dyno to every interface, else loopback', () => {
    expect(loadApiConfig({}).host).toBe('127.0.0.1');
    expect(loadApiConfig({ DYNO: 'web.1' }).host).toBe('0.0.0.0');
    expect(loadAiConfig({ AI_HOST: '10.0.0.5', DYNO: 'ai.1' }).host).toBe('10.0.0.5');
  });

  it('names the AI function for the Lambda API, and the push settings once for servers and Lambdas', () => {
    const config = loadApiConfig({
      AI_FUNCTION_NAME: 'brainbytes-prod-ai',
      PUSHGATEWAY_URL: 'https://gw.example',
      BRAINBYTES_ENVIRONMENT: 'staging',
      AUTH_SECRET: 'x'.repeat(32),
      AWS_LAMBDA_FUNCTION_NAME: 'brainbytes-prod-api',
      PUSH_INTERVAL_SECONDS: '30s',
    });
    expect(config).toMatchObject({
      aiFunctionName: 'brainbytes-prod-ai',
      pushgatewayUrl: 'https://gw.example',
      environment: 'staging',
      platform: 'lambda',
      pushIntervalMs: 30_000,
    });
    expect(() => loadAiConfig({ PUSH_INTERVAL_SECONDS: '0.1' })).toThrow('PUSH_INTERVAL_SECONDS="0.1"');
  });
});
