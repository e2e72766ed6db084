import { readScrape, scrapeText } from '@brainbytes/testkit/exposition';
import { DYNO_UUID, lines, logplexBody, REQUEST_ID } from '@brainbytes/testkit/frames';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningExporter, startExporter } from '../src/in-process';

const AUTH = { Authorization: `Basic ${Buffer.from('drain:s3cret').toString('base64')}` };
let exp: RunningExporter;
afterEach(async () => exp?.close());

const start = () =>
  startExporter({ HEROKU_DRAIN_CREDENTIALS: 'drain:s3cret', HEROKU_DRAIN_TOKENS: 'd.api-token,d.web-token' });

function post(
  body: string,
  { app = 'brainbytes-api', frameId = '', headers = {} as Record<string, string> } = {},
) {
  return fetch(`${exp.url}/drain/${app}`, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/logplex-1',
      'Logplex-Drain-Token': 'd.api-token',
      'Logplex-Msg-Count': '1',
      ...(frameId ? { 'Logplex-Frame-Id': frameId } : {}),
      ...AUTH,
      ...headers,
    },
  });
}

const scrape = async () => readScrape(await scrapeText(exp.url)).samples;

describe('log drain', () => {
  it('counts router requests, errors, times and bytes, never labelling by path, request id or IP', async () => {
    exp = await start();
    const res = await post(
      logplexBody([lines.routerOk, lines.routerOk, lines.routerPost, lines.routerH12, lines.routerH10]),
    );
    expect(res.status).toBe(204);
    const s = await scrape();
    expect(s.get('heroku_router_requests_total{app="brainbytes-api",method="GET",status="200"}')).toBe(2);
    expect(s.get('heroku_router_requests_total{app="brainbytes-api",method="POST",status="503"}')).toBe(1);
    expect(s.get('heroku_router_errors_total{app="brainbytes-api",code="H12"}')).toBe(1);
    expect(s.get('heroku_router_errors_total{app="brainbytes-api",code="H10"}')).toBe(1);
    expect(s.get('heroku_router_response_bytes_total{app="brainbytes-api"}')).toBe(2 * 1548 + 900);
    expect(s.get('heroku_router_service_seconds_bucket{app="brainbytes-api",le="0.05"}')).toBe(2);
    expect(s.get('heroku_router_service_seconds_count{app="brainbytes-api"}')).toBe(4); // H10 has an empty service=
    expect(s.get('heroku_router_service_seconds_sum{app="brainbytes-api"}')).toBeCloseTo(
      0.018 * 2 + 0.25 + 30,
    );
    const text = await scrapeText(exp.url);
    for (const secret of [REQUEST_ID, '203.0.113.9', '/api/sessions', 'herokuapp.com', DYNO_UUID])
      expect(text).not.toContain(secret);
  });

  it('reads runtime metrics, R errors, crashes and restarts by process type and source', async () => {
    exp = await start();
    await post(logplexBody([lines.memory, lines.load, lines.r14, lines.r14, lines.crash, lines.restart]));
    const s = await scrape();
    expect(
      s.get('heroku_dyno_memory_bytes{app="brainbytes-api",kind="rss",process_type="web",source="web.1"}'),
    ).toBe(20.5 * 1024 * 1024);
    expect(
      s.get('heroku_dyno_memory_bytes{app="brainbytes-api",kind="quota",process_type="web",source="web.1"}'),
    ).toBe(512 * 1024 * 1024);
    expect(
      s.get('heroku_dyno_load_average{app="brainbytes-api",process_type="web",source="web.1",window="5m"}'),
    ).toBe(0.02);
    expect(s.get('heroku_dyno_errors_total{app="brainbytes-api",code="R14",process_type="web"}')).toBe(2);
    expect(s.get('heroku_dyno_crashes_total{app="brainbytes-api",process_type="worker"}')).toBe(1);
    expect(s.get('heroku_dyno_restarts_total{app="brainbytes-api",process_type="web"}')).toBe(1);
  });

  it('starts the counters alerts watch at 0 on the first message from an app or process type', async () => {
    // increase() cannot see a counter that appears at 1: the first crash must count from 0.
    exp = await start();
    await post(logplexBody([lines.memory, lines.routerOk]));
    const s = await scrape();
    expect(s.get('heroku_dyno_crashes_total{app="brainbytes-api",process_type="web"}')).toBe(0);
    expect(s.get('heroku_dyno_restarts_total{app="brainbytes-api",process_type="web"}')).toBe(0);
    for (const code of ['R10', 'R14', 'R15'])
      expect(s.get(`heroku_dyno_errors_total{app="brainbytes-api",code="${code}",process_type="web"}`)).toBe(
        0,
      );
    expect(s.get('heroku_router_errors_total{app="brainbytes-api",code="H12"}')).toBe(0);
    expect(s.get('heroku_dyno_crashes_total{app="brainbytes-api",process_type="worker"}')).toBeUndefined();
  });

  it('converts Postgres and Redis samples to base units, and counts L10 drops', async () => {
    exp = await start();
    await post(logplexBody([lines.postgres, lines.redis, lines.l10, lines.appOutput]));
    const s = await scrape();
    expect(s.get('heroku_postgres_db_size_bytes{app="brainbytes-api",source="DATABASE"}')).toBe(26311164);
    expect(s.get('heroku_postgres_connections{app="brainbytes-api",source="DATABASE",state="waiting"}')).toBe(
      1,
    );
    expect(
      s.get('heroku_postgres_sample{app="brainbytes-api",metric="memory_total",source="DATABASE"}'),
    ).toBe(4045012 * 1024);
    expect(
      s.get('heroku_postgres_sample{app="brainbytes-api",metric="index_cache_hit_rate",source="DATABASE"}'),
    ).toBe(0.99);
    expect(s.get('heroku_redis_memory_bytes{app="brainbytes-api",source="REDIS"}')).toBe(1356192);
    expect(s.get('heroku_redis_sample{app="brainbytes-api",metric="hit_rate",source="REDIS"}')).toBe(0.5);
    expect(s.get('heroku_logplex_errors_total{app="brainbytes-api",code="L10"}')).toBe(1);
    expect(s.get('heroku_logplex_messages_dropped_total{app="brainbytes-api"}')).toBe(500);
    expect(s.get('heroku_exporter_drain_messages_total{kind="other"}')).toBe(1);
  });

  it('counts a retried frame (same Logplex-Frame-Id) once', async () => {
    exp = await start();
    const body = logplexBody([lines.routerOk]);
    for (let i = 0; i < 3; i++) expect((await post(body, { frameId: 'frame-1' })).status).toBe(204);
    await post(body, { frameId: 'frame-2' });
    const s = await scrape();
    expect(s.get('heroku_router_requests_total{app="brainbytes-api",method="GET",status="200"}')).toBe(2);
    expect(s.get('heroku_exporter_drain_duplicate_frames_total{}')).toBe(2);
  });

  it('keeps the well-formed messages of a request with a truncated frame and a malformed message', async () => {
    exp = await start();
    const good = logplexBody([lines.routerOk, 'not a syslog line', lines.routerPost]);
    const truncated = logplexBody([lines.routerOk]).slice(0, 60);
    expect((await post(good + truncated)).status).toBe(204);
    const s = await scrape();
    expect(s.get('heroku_router_requests_total{app="brainbytes-api",method="GET",status="200"}')).toBe(1);
    expect(s.get('heroku_router_requests_total{app="brainbytes-api",method="POST",status="201"}')).toBe(1);
    expect(s.get('heroku_exporter_drain_malformed_total{}')).toBe(2);
  });

  it('tolerates frames without the trailing newline', async () => {
    exp = await start();
    await post(logplexBody([lines.routerOk, lines.routerOk], { newline: false }));
    expect(
      (await scrape()).get('heroku_router_requests_total{app="brainbytes-api",method="GET",status="200"}'),
    ).toBe(2);
  });

  it('answers 400 to a body that is not logplex at all', async () => {
    exp = await start();
    const res = await post('{"hello":"world"}');
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/not application\/logplex-1/);
  });

  it('refuses wrong credentials (401) and unknown drain tokens (403), counting nothing', async () => {
    exp = await start();
    const wrong = await post(logplexBody([lines.routerOk]), {
      headers: { Authorization: `Basic ${Buffer.from('drain:nope').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    const token = await post(logplexBody([lines.routerOk]), {
      headers: { 'Logplex-Drain-Token': 'd.someone-else' },
    });
    expect(token.status).toBe(403);
    const s = await scrape();
    expect([...s.keys()].some((k) => k.startsWith('heroku_router_requests_total'))).toBe(false);
    expect(s.get('heroku_exporter_drain_requests_total{outcome="unauthorized"}')).toBe(1);
    expect(s.get('heroku_exporter_drain_requests_total{outcome="forbidden"}')).toBe(1);
    expect(exp.logs.join('')).not.toContain('s3cret');
  });

  it('bounds labels: unknown methods, statuses and error codes collapse, and apps past HEROKU_APPS become "other"', async () => {
    exp = await startExporter({ HEROKU_APPS: 'brainbytes-api' });
    const odd = lines.routerOk.replace('method=GET', 'method=BREW').replace('status=200', 'status=9999');
    await post(logplexBody([odd]));
    await post(logplexBody([lines.routerOk]), { app: 'someone-elses-app' });
    const s = await scrape();
    expect(s.get('heroku_router_requests_total{app="brainbytes-api",method="OTHER",status="unknown"}')).toBe(
      1,
    );
    expect(s.get('heroku_router_requests_total{app="other",method="GET",status="200"}')).toBe(1);
  });

  it('guards /metrics with HEROKU_EXPORTER_SCRAPE_CREDENTIALS when set', async () => {
    exp = await startExporter({ HEROKU_EXPORTER_SCRAPE_CREDENTIALS: 'prom:pw' });
    expect((await fetch(`${exp.url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${exp.url}/metrics`, {
      headers: { Authorization: `Basic ${Buffer.from('prom:pw').toString('base64')}` },
    });
    expect(ok.status).toBe(200);
  });
});

describe('log drain cardinality', () => {
  it('keeps /metrics bounded when a drain invents 100,000 process types and add-on sample names', async () => {
    exp = await startExporter({
      HEROKU_DRAIN_CREDENTIALS: 'drain:s3cret',
      HEROKU_DRAIN_TOKENS: 'd.api-token',
      HEROKU_DRAIN_MAX_PROCESS_TYPES: '5',
    });
    const series = async () => (await scrape()).size;
    await post(logplexBody([lines.memory, lines.postgres, lines.redis]));
    const before = await series();
    const TS = '2026-11-26T03:00:00+00:00';
    for (let batch = 0; batch < 100; batch++) {
      const messages = [];
      for (let i = 0; i < 1000; i++) {
        const n = batch * 1000 + i;
        messages.push(
          i % 2 === 0
            ? `<45>1 ${TS} host heroku t${n}.1 - source=t${n}.1 sample#memory_rss=1MB sample#load_avg_1m=0.1`
            : `<134>1 ${TS} host app heroku-postgres - source=DATABASE sample#made_up_${n}=1 sample#db_size=5bytes`,
        );
      }
      expect((await post(logplexBody(messages), { headers: { 'Logplex-Msg-Count': '1000' } })).status).toBe(
        204,
      );
    }
    const after = await scrape();
    // Five process types of their own, then `other`: a few dozen series, not 700,000.
    expect(after.size - before).toBeLessThan(100);
    expect(after.get('heroku_exporter_drain_dropped_total{reason="unknown_sample"}')).toBe(50_000);
    expect(after.get('heroku_exporter_drain_dropped_total{reason="process_type_cap"}')).toBeGreaterThan(
      49_000,
    );
    expect(after.get('heroku_postgres_db_size_bytes{app="brainbytes-api",source="DATABASE"}')).toBe(5);
    expect(
      after.get(
        'heroku_dyno_memory_bytes{app="brainbytes-api",kind="rss",process_type="other",source="other"}',
      ),
    ).toBe(1024 * 1024);
  }, 60_000);
});

describe('the drain’s series budget (HEROKU_DRAIN_MAX_SERIES)', () => {
  it('bounds the product of every label cap: new label sets past it are dropped and counted, known ones keep counting', async () => {
    exp = await startExporter({
      HEROKU_DRAIN_CREDENTIALS: 'drain:s3cret',
      HEROKU_DRAIN_TOKENS: 'd.api-token',
      HEROKU_DRAIN_MAX_SERIES: '3000',
    });
    const ts = '2026-11-05T08:00:00.000000+00:00';
    // The attack, smaller: 20 apps × 9 methods × 400 statuses of router lines, and 20 process types
    // × 50 sources of runtime metrics per app. Each cap holds alone; their product was 1.9 M series.
    for (let app = 0; app < 20; app++) {
      const messages: string[] = [];
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']) {
        for (let status = 100; status < 500; status++) {
          messages.push(
            `<158>1 ${ts} host heroku router - at=info method=${method} path="/" host=x request_id=r fwd="1.2.3.4" dyno=web.1 connect=1ms service=2ms status=${status} bytes=10 protocol=https`,
          );
        }
      }
      for (let type = 0; type < 20; type++) {
        for (let source = 1; source <= 50; source++) {
          messages.push(
            `<45>1 ${ts} host heroku p${type}.${source} - source=p${type}.${source} sample#memory_rss=20.50MB`,
          );
        }
      }
      for (let start = 0; start < messages.length; start += 500) {
        const res = await post(logplexBody(messages.slice(start, start + 500)), { app: `attack-app-${app}` });
        expect(res.status).toBe(204);
      }
    }
    const text = await scrapeText(exp.url);
    const drainSeries = text
      .split('\n')
      .filter((l) => /^heroku_(router|dyno|postgres|redis|logplex)_/.test(l)).length;
    expect(drainSeries).toBeLessThanOrEqual(3000);
    const s = readScrape(text).samples;
    expect(s.get('heroku_exporter_drain_dropped_total{reason="series_budget"}')).toBeGreaterThan(100_000);

    // A series held before the budget filled keeps counting.
    const known = 'heroku_router_requests_total{app="attack-app-0",method="GET",status="100"}';
    const before = s.get(known)!;
    expect(before).toBe(1);
    await post(
      logplexBody([
        `<158>1 ${ts} host heroku router - at=info method=GET path="/" host=x request_id=r fwd="1.2.3.4" dyno=web.1 connect=1ms service=2ms status=100 bytes=10 protocol=https`,
      ]),
      { app: 'attack-app-0' },
    );
    expect((await scrape()).get(known)).toBe(2);
  }, 60_000);
});
