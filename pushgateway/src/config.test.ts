import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('takes PUSHGATEWAY_PORT, then PORT (Heroku), then 9091', () => {
    expect(loadConfig({}).port).toBe(9091);
    expect(loadConfig({ PORT: '5000' }).port).toBe(5000);
    expect(loadConfig({ PORT: '5000', PUSHGATEWAY_PORT: '9999' }).port).toBe(9999);
  });

  it('chooses Redis persistence when REDIS_URL is set, else a file', () => {
    expect(loadConfig({}).persistence).toBe('file');
    expect(loadConfig({ REDIS_URL: 'redis://h:6379' }).persistence).toBe('redis');
  });

  it.each([
    [{ PUSHGATEWAY_PORT: 'abc' }, /PUSHGATEWAY_PORT="abc" is not a TCP port/],
    [{ PUSHGATEWAY_PORT: '70000' }, /PUSHGATEWAY_PORT="70000" is not a TCP port/],
    [{ PUSHGATEWAY_DELTA_TTL: '5' }, /PUSHGATEWAY_DELTA_TTL="5" must be a duration like 500ms, 90s/],
    [
      { PUSHGATEWAY_PUSH_CREDENTIALS: 'nopassword' },
      /PUSHGATEWAY_PUSH_CREDENTIALS: entry 1 is not user:password/,
    ],
    [{ PUSHGATEWAY_PERSISTENCE: 'disk' }, /PUSHGATEWAY_PERSISTENCE="disk" must be file, redis or memory/],
    [{ PUSHGATEWAY_PERSISTENCE: 'redis' }, /needs REDIS_URL/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL must start with redis:\/\//],
    [
      { PUSHGATEWAY_OTLP_DELTA_INSTANCE: 'yes' },
      /PUSHGATEWAY_OTLP_DELTA_INSTANCE="yes" must be drop or keep/,
    ],
    [
      { PUSHGATEWAY_OTLP_MAX_ATTRIBUTES: '-1' },
      /PUSHGATEWAY_OTLP_MAX_ATTRIBUTES="-1" must be a whole number/,
    ],
    [{ PUSHGATEWAY_MAX_SERIES: '0' }, /PUSHGATEWAY_MAX_SERIES="0" must be a whole number of at least 1/],
    [{ PUSHGATEWAY_SNAPSHOT_INTERVAL: '30d' }, /PUSHGATEWAY_SNAPSHOT_INTERVAL="30d" .* to 24\.8d/],
    [
      { PUSHGATEWAY_SNAPSHOT_INTERVAL: '0' },
      /PUSHGATEWAY_SNAPSHOT_INTERVAL="0" must be a duration .* from 1s/,
    ],
    // 0 turned retry de-duplication off without a word: a retried delta push was counted twice.
    [{ PUSHGATEWAY_PUSH_ID_TTL: '0' }, /PUSHGATEWAY_PUSH_ID_TTL="0" must be a duration .* from 1s/],
    [
      { PUSHGATEWAY_REQUEST_TIMEOUT: '0' },
      /PUSHGATEWAY_REQUEST_TIMEOUT="0" must be a duration .* from 1s to 300s/,
    ],
  ])('names the bad variable in %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a credential in its errors', () => {
    expect(() => loadConfig({ PUSHGATEWAY_ADMIN_CREDENTIALS: 'ok:fine,secretpassword' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secretpassword') }),
    );
  });
});
