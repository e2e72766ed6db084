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
});
