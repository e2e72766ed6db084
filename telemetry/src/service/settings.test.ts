import { describe, expect, it } from 'vitest';
import {
  durationSetting,
  environmentSetting,
  hostSetting,
  logLevelSetting,
  numberSetting,
  platformOf,
  portSetting,
} from './settings';

describe('one way to read the settings every deployable shares', () => {
  it('reads every duration in one format; a bare number takes the unit in the variable’s name', () => {
    expect([
      durationSetting('X_TTL', '0', '1h'),
      durationSetting('X_TTL', '90s', '1h'),
      durationSetting('X_TTL', undefined, '24h'),
      durationSetting('X_TTL', '250ms', '1h'),
      durationSetting('PUSH_INTERVAL_SECONDS', '10', '1'),
      durationSetting('PUSH_INTERVAL_SECONDS', '2m', '1'),
      durationSetting('HEROKU_API_TIMEOUT_SECONDS', '0.5', '10'),
      durationSetting('AI_TIMEOUT_MS', '1500', '1'),
    ]).toEqual([0, 90_000, 86_400_000, 250, 10_000, 120_000, 500, 1500]);
  });

  it.each([
    ['X_TTL', '5', /X_TTL="5" must be a duration like 500ms, 90s/],
    ['PUSH_INTERVAL_SECONDS', 'ten', /PUSH_INTERVAL_SECONDS="ten" must be a number of seconds or a duration/],
    ['PUSH_INTERVAL_SECONDS', '-1', /PUSH_INTERVAL_SECONDS="-1"/],
    ['X_INTERVAL', '100ms', /X_INTERVAL="100ms" .* from 1s/],
  ])('refuses %s=%s, naming it', (name, value, message) => {
    expect(() => durationSetting(name, value, '1s', { min: 1000 })).toThrow(message);
  });

  it('holds a duration that runs a timer below 24.8 days: Node fires a longer one at once, in a loop', () => {
    expect(durationSetting('X_TTL', '30d', '0')).toBe(30 * 86_400_000);
    expect(durationSetting('X_INTERVAL', '24d', '1s', { timer: true })).toBe(24 * 86_400_000);
    expect(() => durationSetting('X_INTERVAL', '30d', '1s', { timer: true })).toThrow(
      /X_INTERVAL="30d" .* to 24\.8d/,
    );
  });

  it('takes <SERVICE>_PORT, then PORT (Heroku), then the default, and refuses what is no port', () => {
    expect(portSetting({}, 'API_PORT', 3000)).toBe(3000);
    expect(portSetting({ PORT: '5000' }, 'API_PORT', 3000)).toBe(5000);
    expect(portSetting({ PORT: '5000', API_PORT: '4000' }, 'API_PORT', 3000)).toBe(4000);
    expect(() => portSetting({ PORT: '70000' }, 'API_PORT', 3000)).toThrow('PORT="70000" is not a TCP port');
    expect(() => portSetting({ API_PORT: '3.5' }, 'API_PORT', 3000)).toThrow('API_PORT="3.5"');
  });

  it('binds loopback unless on a dyno, told to, or asked for by name', () => {
    expect(hostSetting({}, 'API_HOST')).toBe('127.0.0.1');
    expect(hostSetting({ DYNO: 'web.1' }, 'API_HOST')).toBe('0.0.0.0');
    expect(hostSetting({}, 'X_HOST', { exposed: true })).toBe('0.0.0.0');
    expect(hostSetting({ DYNO: 'web.1', API_HOST: '10.0.0.2' }, 'API_HOST')).toBe('10.0.0.2');
  });

  it('checks LOG_LEVEL, BRAINBYTES_ENVIRONMENT and numbers, naming the variable', () => {
    expect(logLevelSetting({ LOG_LEVEL: 'warn' })).toBe('warn');
    expect(() => logLevelSetting({ LOG_LEVEL: 'loud' })).toThrow(
      'LOG_LEVEL="loud" must be debug, info, warn, error',
    );
    expect(environmentSetting({})).toBe('development');
    expect(() => environmentSetting({ BRAINBYTES_ENVIRONMENT: 'prod' })).toThrow(
      'BRAINBYTES_ENVIRONMENT="prod"',
    );
    expect(() => numberSetting('X_MAX', '0', 5, { min: 1, integer: true })).toThrow(
      'X_MAX="0" must be a whole number of at least 1',
    );
    expect(() => numberSetting('X_HOPS', '9', 1, { max: 5 })).toThrow(
      'X_HOPS="9" must be a number from 0 to 5',
    );
  });

  it('names the platform for the push grouping', () => {
    expect([
      platformOf({ DYNO: 'web.1' }),
      platformOf({ AWS_LAMBDA_FUNCTION_NAME: 'f' }),
      platformOf({}),
    ]).toEqual(['heroku', 'lambda', 'local']);
  });
});
