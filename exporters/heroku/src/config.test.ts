import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('exporter settings', () => {
  it('refuses to run on a dyno with a public /metrics (no HEROKU_EXPORTER_SCRAPE_CREDENTIALS)', () => {
    expect(() => loadConfig({ DYNO: 'web.1' })).toThrow(
      /HEROKU_EXPORTER_SCRAPE_CREDENTIALS is not set.*heroku config:set/,
    );
    expect(
      loadConfig({ DYNO: 'web.1', HEROKU_EXPORTER_SCRAPE_CREDENTIALS: 'prometheus:s3cret' })
        .scrapeCredentials,
    ).toBeTruthy();
    expect(loadConfig({}).scrapeCredentials).toBeUndefined(); // on one machine, loopback: open is fine
  });

  it('takes HEROKU_EXPORTER_STATE for what it is: a Redis URL with a host, a file path, or memory', () => {
    expect(loadConfig({ HEROKU_EXPORTER_STATE: 'redis://127.0.0.1:6379' }).state).toBe(
      'redis://127.0.0.1:6379',
    );
    expect(loadConfig({ HEROKU_EXPORTER_STATE: '.data/state.json' }).state).toBe('.data/state.json');
    // One slash was taken as a file named "redis:/h:6379": the month's spend went to a local file.
    for (const bad of ['redis:/h:6379', 'redis:h:6379', 'rediss:///nohost', 'http://h/x']) {
      expect(() => loadConfig({ HEROKU_EXPORTER_STATE: bad }), bad).toThrow(
        /HEROKU_EXPORTER_STATE must be a redis:\/\/host:port/,
      );
    }
  });

  it('cuts slow requests after HEROKU_EXPORTER_REQUEST_TIMEOUT (10 s by default)', () => {
    expect(loadConfig({}).bodyTimeoutMs).toBe(10_000);
    expect(loadConfig({ HEROKU_EXPORTER_REQUEST_TIMEOUT: '3s' }).bodyTimeoutMs).toBe(3000);
    expect(() => loadConfig({ HEROKU_EXPORTER_REQUEST_TIMEOUT: '0' })).toThrow(
      /HEROKU_EXPORTER_REQUEST_TIMEOUT/,
    );
  });
});
