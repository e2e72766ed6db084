import { readScrape, scrapeText } from '@brainbytes/testkit/exposition';
import { FakePlatformApi } from '@brainbytes/testkit/fake-platform-api';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningExporter, startExporter } from '../src/in-process';

/**
 * Which data sources the exporter has: a stack without a Heroku token or AWS settings says so, and
 * reports nothing its alerts would read as trouble (a newcomer's npm start stays quiet).
 */
let api: FakePlatformApi | undefined;
let exp: RunningExporter | undefined;
afterEach(async () => {
  await exp?.close();
  await api?.stop();
});

describe('data sources', () => {
  it('says when the Platform API is off on purpose: configured 0, rate limit unknown (NaN), not 0', async () => {
    exp = await startExporter({ HEROKU_API_TOKEN: '' });
    const { samples } = readScrape(await scrapeText(exp.url));
    expect(samples.get('heroku_exporter_source_configured{source="platform_api"}')).toBe(0);
    expect(samples.get('heroku_exporter_source_configured{source="cloudwatch"}')).toBe(0);
    expect(samples.get('heroku_api_rate_limit_remaining{}')).toBeNaN();
    await exp.close();
    api = await new FakePlatformApi([]).start();
    exp = await startExporter({ HEROKU_API_TOKEN: api.token, HEROKU_API_URL: api.url });
    await exp.exporter.poller!.poll();
    const configured = readScrape(await scrapeText(exp.url)).samples;
    expect(configured.get('heroku_exporter_source_configured{source="platform_api"}')).toBe(1);
    expect(configured.get('heroku_api_rate_limit_remaining{}')).toBeGreaterThan(0);
  });
});
