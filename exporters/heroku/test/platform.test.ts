import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readScrape, scrapeText } from '@brainbytes/testkit/exposition';
import { type FakeApp, FakePlatformApi } from '@brainbytes/testkit/fake-platform-api';
import { eventually, startOwnRedis } from '@brainbytes/testkit/services';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { monthPosition } from '../src/cost/model';
import { type RunningExporter, startExporter } from '../src/in-process';

const apps = (): FakeApp[] => [
  {
    name: 'brainbytes-api',
    dynos: [
      { type: 'web', size: 'Standard-1X', state: 'up', n: 2 },
      { type: 'worker', size: 'Basic', state: 'crashed', n: 1 },
    ],
    formation: [
      { type: 'web', quantity: 2, size: 'Standard-1X' },
      { type: 'worker', quantity: 1, size: 'Basic' },
      { type: 'release', quantity: 0, size: 'Basic' },
    ],
    releases: 42,
    addons: [
      { service: 'heroku-postgresql', plan: 'essential-0', cents: 500 },
      { service: 'heroku-redis', plan: 'mini', cents: 300 },
      { service: 'enterprise-thing', plan: 'custom', cents: 99900, contract: true },
    ],
    runtimeMetrics: true,
  },
  {
    name: 'brainbytes-web',
    dynos: [{ type: 'web', size: 'Eco', state: 'idle', n: 1 }],
    formation: [{ type: 'web', quantity: 1, size: 'Eco' }],
    releases: 7,
    addons: [],
    runtimeMetrics: false,
  },
  {
    name: 'brainbytes-gw',
    dynos: [{ type: 'web', size: 'Performance-Q', state: 'starting', n: 1 }],
    formation: [{ type: 'web', quantity: 1, size: 'Performance-Q' }],
    releases: 1,
    addons: [{ service: 'heroku-redis', plan: 'premium-0', cents: null }],
    runtimeMetrics: true,
  },
];

let api: FakePlatformApi;
let exp: RunningExporter;
afterEach(async () => {
  await exp?.close();
  await api?.stop();
});

async function start(env: Record<string, string> = {}) {
  exp = await startExporter({
    HEROKU_API_TOKEN: api.token,
    HEROKU_API_URL: api.url,
    HEROKU_API_TIMEOUT_SECONDS: '0.5',
    HEROKU_API_BACKOFF_MS: '5',
    ...env,
  });
  await exp.exporter.poller!.poll();
  return readScrape(await scrapeText(exp.url));
}

describe('Platform API poller', () => {
  it('reads apps (paginated), dynos, formation, the latest release, add-ons, features, sizes and the rate limit', async () => {
    api = await new FakePlatformApi(apps()).start();
    api.pageSize = 2;
    const { samples } = await start();
    const at = (k: string) => samples.get(k);
    expect(at('heroku_app_info{app="brainbytes-gw",region="us",stack="heroku-24"}')).toBe(1); // third app: page two
    expect(at('heroku_dynos{app="brainbytes-api",size="Standard-1X",state="up",type="web"}')).toBe(2);
    expect(at('heroku_dynos{app="brainbytes-api",size="Standard-1X",state="crashed",type="web"}')).toBe(0);
    expect(at('heroku_dynos{app="brainbytes-api",size="Basic",state="crashed",type="worker"}')).toBe(1);
    expect(at('heroku_formation_quantity{app="brainbytes-api",size="Standard-1X",type="web"}')).toBe(2);
    expect(at('heroku_release_version{app="brainbytes-api",status="succeeded"}')).toBe(42);
    expect(at('heroku_release_age_seconds{app="brainbytes-api"}')).toBeGreaterThan(3590);
    expect(
      at(
        'heroku_addon_monthly_price_dollars{app="brainbytes-api",plan="heroku-postgresql:essential-0",service="heroku-postgresql"}',
      ),
    ).toBe(5);
    expect(
      at(
        'heroku_addon_monthly_price_dollars{app="brainbytes-api",plan="enterprise-thing:custom",service="enterprise-thing"}',
      ),
    ).toBe(0);
    expect(at('heroku_app_feature_enabled{app="brainbytes-web",feature="log-runtime-metrics"}')).toBe(0);
    expect(at('heroku_dyno_size_monthly_price_dollars{size="standard-1x",source="api"}')).toBe(25);
    expect(at('heroku_dyno_size_monthly_price_dollars{size="standard-2x",source="table"}')).toBe(50);
    expect(at('heroku_api_rate_limit_remaining{}')).toBe(4500);
    expect(at('heroku_exporter_up{}')).toBe(1);

    const releaseRequests = api.requests.filter((r) => r.path === '/apps/brainbytes-api/releases');
    expect(releaseRequests.map((r) => r.headers.range)).toEqual(['version ..; order=desc, max=1']);
    expect(api.requests.filter((r) => r.path === '/apps').map((r) => r.headers.range)).toEqual([
      undefined,
      expect.stringMatching(/^\]app-.*\.\.; max=2$/),
    ]);
  });

  it('computes the monthly run-rate and accrues cost from the month-to-date estimate', async () => {
    api = await new FakePlatformApi(apps()).start();
    const { samples } = await start({ HEROKU_ECO_PLAN_DOLLARS: '5' });
    const at = (k: string) => samples.get(k);
    expect(at('heroku_monthly_run_rate_dollars{app="brainbytes-api",component="dynos"}')).toBe(2 * 25 + 7);
    expect(at('heroku_monthly_run_rate_dollars{app="brainbytes-api",component="addons"}')).toBe(8);
    expect(at('heroku_monthly_run_rate_dollars{app="_account",component="eco_plan"}')).toBe(5);
    expect(at('heroku_unpriced_dyno_size{app="brainbytes-gw",size="performance-q"}')).toBe(1);
    const { elapsed, seconds } = monthPosition(Date.now());
    const accrued = at('heroku_cost_accrued_dollars_total{app="brainbytes-api"}')!;
    expect(accrued).toBeCloseTo((65 * elapsed) / seconds, 2);
  });

  it.each([
    ['a file', () => join(mkdtempSync(join(tmpdir(), 'bb-exporter-')), 'state.json')],
    ['Redis', () => `${process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'}`],
  ])(
    'keeps this month’s accrual across a restart (%s): a scale-down, then a scrape before the first poll, lowers nothing',
    async (_, state) => {
      api = await new FakePlatformApi(apps()).start();
      const env = { HEROKU_EXPORTER_STATE: state(), HEROKU_EXPORTER_STATE_KEY: `test:${randomUUID()}` };
      const first = await start(env);
      const accrued = first.samples.get('heroku_cost_accrued_dollars_total{app="brainbytes-api"}')!;
      expect(accrued).toBeGreaterThan(0);
      // Scaled down from 2 web dynos to none, then the exporter restarts.
      (api.apps[0]!.formation[0] as { quantity: number }).quantity = 0;
      await exp.close();
      exp = await startExporter({ HEROKU_API_TOKEN: api.token, HEROKU_API_URL: api.url, ...env });
      expect(exp.logs.join('\n')).toContain('carrying on from this month’s saved cost accrual');
      const beforePoll = readScrape(await scrapeText(exp.url)).samples;
      expect(
        beforePoll.get('heroku_cost_accrued_dollars_total{app="brainbytes-api"}'),
      ).toBeGreaterThanOrEqual(accrued);
      await exp.exporter.poller!.poll();
      const afterPoll = readScrape(await scrapeText(exp.url)).samples;
      expect(afterPoll.get('heroku_cost_accrued_dollars_total{app="brainbytes-api"}')).toBeGreaterThanOrEqual(
        accrued,
      );
      expect(afterPoll.get('heroku_monthly_run_rate_dollars{app="brainbytes-api",component="dynos"}')).toBe(
        7,
      );
      expect(afterPoll.get('heroku_exporter_state_errors_total{action="save"}') ?? 0).toBe(0);
    },
  );

  it('never saves its estimate over the month while the state store is unreachable; carries on from it once back', async () => {
    const redis = await startOwnRedis([], { startNow: false }); // down when the exporter starts
    try {
      api = await new FakePlatformApi(apps()).start();
      const key = `test:${randomUUID()}`;
      const first = await start({ HEROKU_EXPORTER_STATE: redis.url, HEROKU_EXPORTER_STATE_KEY: key });
      const estimate = first.samples.get('heroku_cost_accrued_dollars_total{app="brainbytes-api"}')!;
      expect(first.samples.get('heroku_exporter_state_errors_total{action="load"}')).toBeGreaterThanOrEqual(
        1,
      );
      // Redis comes back holding the month so far: $20 more than the estimate.
      await redis.start();
      const client = new Redis(redis.url);
      client.on('error', () => undefined);
      const month = monthPosition(Date.now()).start;
      const saved = estimate + 20;
      await client.set(
        key,
        JSON.stringify({
          version: 1,
          month,
          keys: { 'brainbytes-api': { dollars: saved, atMs: Date.now() - 1000 } },
        }),
      );
      // The next polls (each saves) once the exporter's connection is back.
      const stored = await eventually(
        'a save after Redis is back',
        async () => {
          await exp.exporter.poller!.poll();
          const state = JSON.parse((await client.get(key)) ?? '{}');
          const dollars = state.keys?.['brainbytes-api']?.dollars;
          return dollars !== saved ? dollars : undefined;
        },
        30_000,
      );
      await client.quit();
      // It saved the month carried on, never its estimate (the old exporter cut $20.00 to $4.69).
      expect(stored).toBeGreaterThanOrEqual(saved);
      const after = readScrape(await scrapeText(exp.url)).samples;
      expect(after.get('heroku_cost_accrued_dollars_total{app="brainbytes-api"}')).toBeGreaterThanOrEqual(
        saved,
      );
    } finally {
      await redis.kill();
    }
  });

  it('refuses tampered saved state whole, says so, and replaces it with its own accrual', async () => {
    api = await new FakePlatformApi(apps()).start();
    const file = join(mkdtempSync(join(tmpdir(), 'bb-exporter-')), 'state.json');
    const month = monthPosition(Date.now()).start;
    writeFileSync(
      file,
      JSON.stringify({ version: 1, month, keys: { 'brainbytes-api': { dollars: -500, atMs: Date.now() } } }),
    );
    const { samples } = await start({ HEROKU_EXPORTER_STATE: file });
    expect(samples.get('heroku_cost_accrued_dollars_total{app="brainbytes-api"}')).toBeGreaterThan(0);
    expect(samples.get('heroku_exporter_state_errors_total{action="load"}')).toBeGreaterThanOrEqual(1);
    expect(exp.logs.join('\n')).toContain('has dollars or a time that cannot be');
  });

  it('says when its state cannot be read or written, counts it, and keeps serving', async () => {
    api = await new FakePlatformApi(apps()).start();
    // Its folder is a file: every save fails (ENOTDIR).
    const parent = join(mkdtempSync(join(tmpdir(), 'bb-exporter-')), 'a-file');
    writeFileSync(parent, '');
    const { samples } = await start({ HEROKU_EXPORTER_STATE: join(parent, 'state.json') });
    expect(samples.get('heroku_cost_accrued_dollars_total{app="brainbytes-api"}')).toBeGreaterThan(0);
    await exp.exporter.poller!.poll();
    const again = readScrape(await scrapeText(exp.url)).samples;
    // It cannot even be read (ENOTDIR), so it is never written: each poll tries the read again.
    expect(again.get('heroku_exporter_state_errors_total{action="load"}')).toBeGreaterThanOrEqual(2);
    expect(exp.logs.join('\n')).toContain('could not load the cost accrual (HEROKU_EXPORTER_STATE, file)');
  });

  it('serves scrapes from its cache without calling Heroku', async () => {
    api = await new FakePlatformApi(apps()).start();
    await start({ HEROKU_POLL_INTERVAL_SECONDS: '3600' });
    const before = api.requests.length;
    for (let i = 0; i < 5; i++) await scrapeText(exp.url);
    expect(api.requests.length).toBe(before);
  });

  it('backs off and retries on 429 and 5xx, counting each answer per endpoint', async () => {
    api = await new FakePlatformApi(apps()).start();
    api.fail('/apps/brainbytes-api/dynos', 429, 503);
    const { samples } = await start();
    expect(samples.get('heroku_dynos{app="brainbytes-api",size="Standard-1X",state="up",type="web"}')).toBe(
      2,
    );
    expect(samples.get('heroku_exporter_api_requests_total{code="429",endpoint="/apps/{app}/dynos"}')).toBe(
      1,
    );
    expect(samples.get('heroku_exporter_api_requests_total{code="503",endpoint="/apps/{app}/dynos"}')).toBe(
      1,
    );
    // One 200 per app: the endpoint label is the path template, never the app's own path.
    expect(samples.get('heroku_exporter_api_requests_total{code="200",endpoint="/apps/{app}/dynos"}')).toBe(
      3,
    );
    expect(samples.get('heroku_exporter_up{}')).toBe(1);
  });

  it('keeps the last good data of an app whose answers are malformed, invalid or never come, and says so', async () => {
    api = await new FakePlatformApi(apps()).start();
    await start({ HEROKU_POLL_INTERVAL_SECONDS: '3600' });
    api.apps[0]!.dynos[0]!.n = 5;
    api.fail('/apps/brainbytes-api/formation', 'malformed');
    api.fail('/apps/brainbytes-web/dynos', 'invalid');
    api.fail('/apps/brainbytes-gw/addons', 'hang', 'hang', 'hang', 'hang');
    await exp.exporter.poller!.poll();
    const { samples } = readScrape(await scrapeText(exp.url));
    expect(samples.get('heroku_dynos{app="brainbytes-api",size="Standard-1X",state="up",type="web"}')).toBe(
      2,
    ); // the last good data
    expect(
      samples.get('heroku_exporter_api_errors_total{endpoint="/apps/{app}/formation",reason="invalid_json"}'),
    ).toBe(1);
    expect(
      samples.get('heroku_exporter_api_errors_total{endpoint="/apps/{app}/dynos",reason="invalid_response"}'),
    ).toBe(1);
    expect(
      samples.get('heroku_exporter_api_errors_total{endpoint="/apps/{app}/addons",reason="timeout"}'),
    ).toBe(1);
    expect(exp.logs.join('')).toContain('Heroku API request failed');
    expect(exp.logs.join('')).not.toContain(api.token);
  });

  it('drops heroku_exporter_up to 0 once the data is older than three poll intervals', async () => {
    api = await new FakePlatformApi(apps()).start();
    const { samples } = await start({ HEROKU_POLL_INTERVAL_SECONDS: '1' });
    expect(samples.get('heroku_exporter_up{}')).toBe(1);
    for (let i = 0; i < 40; i++) api.fail('/account/rate-limits', 500);
    await new Promise((r) => setTimeout(r, 3600));
    const after = readScrape(await scrapeText(exp.url)).samples;
    expect(after.get('heroku_exporter_up{}')).toBe(0);
    expect(after.get('heroku_app_info{app="brainbytes-api",region="us",stack="heroku-24"}')).toBe(1); // still served
  });

  it('polls only HEROKU_APPS when given', async () => {
    api = await new FakePlatformApi(apps()).start();
    const { samples } = await start({ HEROKU_APPS: 'brainbytes-web' });
    const appInfo = [...samples.keys()].filter((k) => k.startsWith('heroku_app_info'));
    expect(appInfo).toEqual(['heroku_app_info{app="brainbytes-web",region="us",stack="heroku-24"}']);
    expect(api.requests.some((r) => r.path === '/apps')).toBe(false);
  });
});
