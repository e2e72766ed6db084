import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { DASHBOARDS } from '@brainbytes/monitoring/grafana/dashboards';
import { createAppMetrics, PushClient } from '@brainbytes/telemetry/metrics';
import { lines, postDrain } from '@brainbytes/testkit/frames';
import { withGrafanaVariables } from '@brainbytes/testkit/promql';
import { scrapeProblems } from '@brainbytes/testkit/scrape-validity';
import { eventually } from '@brainbytes/testkit/services';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mailTo,
  openai,
  portOf,
  query,
  root,
  runDemo,
  stack,
  stackOutput,
  startStack,
  stopStack,
  url,
} from './e2e-stack';

/**
 * The whole chain on this machine, started by `npm start`'s own script: students (the demo) use
 * the web app and the API; the AI tutor asks a fake OpenAI; everything pushes to our gateway;
 * the real Prometheus scrapes it with the rendered rules; the real Alertmanager emails an in-test
 * SMTP server. Then the AI provider fails, the month's spend goes over budget and a dyno crashes,
 * and each reaches an inbox. Alert `for` and routing waits are shortened through their settings.
 */

/** The web app started again by the outside-in test, after npm start's own was stopped. */
let web: ChildProcess | undefined;

beforeAll(() => startStack(), 180_000);
afterAll(async () => {
  web?.kill();
  await stopStack();
});

describe('end to end: npm start, students, Prometheus, Alertmanager, an inbox', () => {
  it('started every component, including the monitoring stack', () => {
    for (const name of [
      'pushgateway',
      'heroku-exporter',
      'ai',
      'api',
      'web',
      'prometheus',
      'alertmanager',
      'node-exporter',
      'blackbox-exporter',
    ])
      expect(stackOutput(), name).toMatch(new RegExp(`\\[start\\] ${name} is up`));
  });

  it('has every required metric of ../shared/METRICS.md in Prometheus, with its labels and sane values', async () => {
    const REQUIRED: [string, string[]][] = [
      ['brainbytes_http_requests_total', ['method', 'route', 'status_code', 'client_type']],
      ['brainbytes_http_request_duration_seconds_bucket', ['method', 'route', 'status_code']],
      ['brainbytes_db_connections_active', []],
      ['brainbytes_ai_requests_total', ['provider', 'model', 'subject', 'outcome']],
      ['brainbytes_ai_request_duration_seconds_bucket', ['provider', 'model']],
      ['brainbytes_ai_tokens_used_total', ['provider', 'model', 'type']],
      ['brainbytes_http_response_size_bytes_bucket', ['route', 'client_type']],
      ['brainbytes_questions_total', ['subject', 'client_type']],
      ['brainbytes_ai_cost_dollars_total', ['provider', 'model']],
      ['brainbytes_web_page_views_total', ['page', 'client_type', 'connection']],
      ['brainbytes_web_vitals_seconds_bucket', ['metric', 'page', 'client_type', 'connection']],
      ['brainbytes_active_students', ['window']],
      ['heroku_router_requests_total', ['app']],
      ['heroku_monthly_run_rate_dollars', ['app', 'component']],
      ['push_time_seconds', ['job']],
      ['pushgateway_pushes_total', ['outcome']],
    ];
    // A worker dyno comes up (its crash comes later), the router serves, web.1 reports its memory.
    await postDrain(url('exporter'), 'brainbytes-api', 'd.e2e', [
      lines.crash.replace('from up to crashed', 'from starting to up'),
      lines.routerOk,
      lines.routerPost,
      lines.memory,
    ]);
    const missing: string[] = [];
    await eventually(
      'every required metric',
      async () => {
        missing.length = 0;
        for (const [name, labels] of REQUIRED) {
          const series = await query(name);
          const good = series.filter((s) => labels.every((l) => s.metric[l]) && Number(s.value[1]) >= 0);
          if (!good.length) missing.push(name);
        }
        return missing.length ? undefined : true;
      },
      30_000,
    ).catch(() => expect(missing).toEqual([]));
    const pushed = await query('brainbytes_http_requests_total{job="brainbytes-api"}');
    expect(pushed.every((s) => s.metric.environment === 'production' && s.metric.platform === 'local')).toBe(
      true,
    );
    expect(
      pushed.some(
        (s) => s.metric.route === '/api/sessions/:id/questions' && s.metric.client_type === 'mobile',
      ),
    ).toBe(true);
    const tokens = await query('sum by (type) (brainbytes_ai_tokens_used_total{provider="openai"})');
    expect(Object.fromEntries(tokens.map((t) => [t.metric.type, Number(t.value[1])]))).toMatchObject({
      input: expect.any(Number),
      output: expect.any(Number),
    });
    for (const t of tokens) expect(Number(t.value[1])).toBeGreaterThan(0);
    const cost = await query('sum(brainbytes_ai_cost_dollars_total)');
    expect(Number(cost[0]?.value[1])).toBeGreaterThan(0);
    expect(Number(cost[0]?.value[1])).toBeLessThan(1); // a few dozen small answers cost cents
    const spend = await query('provider:brainbytes_spend_dollars:month_to_date');
    expect(spend.map((s) => s.metric.provider).sort()).toEqual(expect.arrayContaining(['ai', 'heroku']));
  }, 60_000);

  it('refuses, all at once, every attack the hardening pass found, and the monitoring stays sound', async () => {
    const web = url('web');
    const json = { 'Content-Type': 'application/json' };
    const histogram = '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n';
    const pushId = { 'X-Push-Mode': 'delta', 'X-Push-Id': 'e2e-attack' };
    const email = `attack-${Date.now()}@example.ph`;
    await fetch(`${web}/api/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email, name: 'Target', password: 'maganda123' }),
    });
    const [leTwice, sumWithLe, idFirst, bigUpload, guesses, rumShape] = await Promise.all([
      fetch(`${url('gateway')}/metrics/job/attack/le/0.5`, { method: 'PUT', body: histogram }),
      fetch(`${url('gateway')}/metrics/job/attack`, {
        method: 'PUT',
        body: histogram.replace('h_sum 1', 'h_sum{le="7"} 1'),
      }),
      fetch(`${url('gateway')}/metrics/job/attack`, { method: 'POST', headers: pushId, body: 'a_total 1\n' }),
      fetch(`${web}/api/rum`, { method: 'POST', headers: json, body: 'x'.repeat(50 * 1024 * 1024) }),
      Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          fetch(`${web}/api/auth/login`, {
            method: 'POST',
            headers: { ...json, 'X-Forwarded-For': '203.0.113.66' },
            body: JSON.stringify({ email, password: `guess-${i}` }),
          }).then((r) => r.status),
        ),
      ),
      fetch(`${web}/api/rum`, { method: 'POST', headers: json, body: '{"events":"not a list"}' }),
    ]);
    expect([leTwice.status, sumWithLe.status, idFirst.status]).toEqual([400, 400, 200]);
    const idReused = await fetch(`${url('gateway')}/metrics/job/attack`, {
      method: 'POST',
      headers: pushId,
      body: 'a_total 9\n',
    });
    expect(idReused.status).toBe(409);
    expect(bigUpload.status).toBe(413);
    expect(guesses.filter((s) => s !== 429).length).toBeLessThanOrEqual(5);
    expect(rumShape.status).toBe(400);
    // One student's burst of questions: the AI provider is asked five times, not twenty.
    const login = await fetch(`${web}/api/auth/register`, {
      method: 'POST',
      headers: { ...json, 'X-Forwarded-For': '203.0.113.67' },
      body: JSON.stringify({
        email: `burst-${Date.now()}@example.ph`,
        name: 'Burst',
        password: 'maganda123',
      }),
    });
    const auth = { ...json, Authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
    const session = (await (
      await fetch(`${web}/api/sessions`, { method: 'POST', headers: auth, body: '{"subject":"math"}' })
    ).json()) as { id: string };
    const asked = [];
    for (let i = 0; i < 20; i++)
      asked.push(
        (
          await fetch(`${web}/api/sessions/${session.id}/questions`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ question: `Burst ${i}?` }),
          })
        ).status,
      );
    expect(asked.filter((s) => s === 201).length).toBe(5);
    expect(asked.filter((s) => s === 429).length).toBe(15);
    // A drain inventing process types by the thousand.
    const invented = Array.from({ length: 2000 }, (_, i) =>
      lines.crash.replace(' worker.1 ', ` made${i}.1 `),
    );
    expect((await postDrain(url('exporter'), 'brainbytes-api', 'd.e2e', invented)).status).toBe(204);
    const crashSeries = await query('count(heroku_dyno_crashes_total)');
    expect(Number(crashSeries[0]?.value[1] ?? 0)).toBeLessThanOrEqual(25);
    // Through all of it, the gateway's scrape stays valid and Prometheus keeps it up.
    expect(scrapeProblems(await (await fetch(`${url('gateway')}/metrics`)).text())).toEqual([]);
    await eventually(
      'the refusals to reach Prometheus',
      async () => ((await query('brainbytes_api_rate_limited_total')).length > 0 ? true : undefined),
      20_000,
    );
    expect((await query('up{job="pushgateway"}')).map((s) => s.value[1])).toEqual(['1']);
  }, 120_000);

  it('after the demo, every dashboard query returns data (Lambda’s from CloudWatch), but for failures that did not happen and what Lambda pushes', async () => {
    await postDrain(url('exporter'), 'brainbytes-api', 'd.e2e', [lines.load, lines.postgres]);
    // Empty until something goes wrong (refused pushes, dropped samples), and the panels of what
    // Lambda pushes: this stack runs the functions as servers (CloudWatch's panels have moto's data).
    const NOT_HERE = [
      /pushgateway_pushes_total\{outcome!="accepted"\}/,
      /brainbytes_push_client_dropped_samples_total/,
      /brainbytes_function_(invocations_total|gb_seconds_total|billed_gb_seconds_total|init_duration_seconds|memory_used_ratio)/,
      /alertname!="Watchdog"/, // firing alerts but the Watchdog: none, when nothing is broken
      // Grafana is not in Debian: npm start scrapes it only where it is installed (the live
      // Prometheus test scrapes a Grafana-shaped /metrics for this panel).
      /grafana_http_request_duration_seconds/,
      // Certificates: npm start serves plain HTTP on loopback (the probe tests cover TLS).
      /probe_ssl_earliest_cert_expiry/,
    ];
    const queries = Object.entries(DASHBOARDS).flatMap(([name, d]) =>
      (d.panels as { title: string; targets?: { expr: string }[] }[]).flatMap((p) =>
        (p.targets ?? [])
          .filter((t) => !NOT_HERE.some((re) => re.test(t.expr)))
          .map((t) => ({ where: `${name} / ${p.title}`, expr: withGrafanaVariables(t.expr, '1m') })),
      ),
    );
    const empty = new Map(queries.map((q) => [q.expr, q.where]));
    await eventually(
      'every dashboard query to return data',
      async () => {
        for (const [expr] of empty) if ((await query(expr)).length > 0) empty.delete(expr);
        return empty.size ? undefined : true;
      },
      30_000,
    ).catch(() => undefined);
    expect([...empty].map(([expr, where]) => `${where}: ${expr}`)).toEqual([]);
  }, 60_000);

  it('emails the ai team when the AI provider fails (AiProviderErrors)', async () => {
    openai.behaviours.push(...Array.from({ length: 400 }, () => 500 as const));
    // 16 students at the evening peak give the provider enough attempts to page on
    // (MIN_ANSWERS_TO_ALERT), failures well above 10 %.
    await runDemo(16, 0.3);
    const mail = await eventually(
      'the AiProviderErrors email',
      mailTo('ai@brainbytes.ph', /AiProviderErrors/),
      60_000,
    );
    expect(mail.parsed.subject).toBe('[BrainBytes FIRING] AiProviderErrors — critical (ai)');
    expect(mail.parsed.html).toMatch(/openai fails \d+(\.\d+)?% of answers in production/);
    const fallback = await query('sum(brainbytes_ai_requests_total{outcome="fallback"})');
    expect(Number(fallback[0]?.value[1])).toBeGreaterThan(0); // students still got the offline tutor
  }, 90_000);

  it('emails the owner when this month’s spend passes the budget, with the breakdown by provider', async () => {
    // What the scheduled job pushes after reading this month's AI spend from the database.
    const registry = new Registry();
    const metrics = createAppMetrics(registry);
    metrics.aiSpendMonthToDate.set({ provider: 'openai' }, 180);
    const client = new PushClient({
      url: url('gateway'),
      registry,
      job: 'brainbytes-jobs',
      groupings: { environment: 'production', platform: 'lambda' },
    });
    expect((await client.flush()).ok).toBe(true);
    const mail = await eventually('the budget email', mailTo('owner@brainbytes.ph', /over budget/), 60_000);
    expect(mail.parsed.subject).toBe('[BrainBytes budget] This month’s cloud spend is over budget.');
    expect(mail.parsed.html).toMatch(/ai: \$18\d\.\d\d;/);
    expect(mail.parsed.html).toMatch(/heroku: \$\d+\.\d\d;/);
    expect(mail.parsed.html).toMatch(/Monthly budget<\/th><td>\$100\.00/);
  }, 90_000);

  it('fires HerokuDynoCrashed when a crash line comes through the drain, and emails infrastructure', async () => {
    const res = await postDrain(url('exporter'), 'brainbytes-api', 'd.e2e', [lines.crash]);
    expect(res.status).toBeLessThan(300);
    const alert = await eventually(
      'HerokuDynoCrashed firing in Prometheus',
      async () => {
        const res = await fetch(`${url('prometheus')}/api/v1/alerts`);
        const alerts = (
          (await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } }
        ).data.alerts;
        return alerts.find((a) => a.labels.alertname === 'HerokuDynoCrashed' && a.state === 'firing');
      },
      30_000,
    );
    expect(alert.labels).toMatchObject({
      app: 'brainbytes-api',
      process_type: 'worker',
      severity: 'critical',
      team: 'infrastructure',
    });
    const mail = await eventually(
      'the crash email',
      mailTo('infrastructure@brainbytes.ph', /HerokuDynoCrashed/),
      30_000,
    );
    expect(mail.parsed.html).toContain('A worker dyno of brainbytes-api crashed');
  }, 60_000);

  it('probes the student path from outside: StudentPathDown fires when the web app stops, emails infrastructure, and resolves once it is back', async () => {
    // A healthy stack: every public entry passes its probe, and nothing from outside fires.
    await eventually(
      'every public entry to pass its probe',
      async () => {
        const probes = await query('probe_success{job="blackbox"}');
        return probes.length === 4 && probes.every((p) => p.value[1] === '1') ? probes : undefined;
      },
      30_000,
    );
    const firing = async (name: string) =>
      (
        (await (await fetch(`${url('prometheus')}/api/v1/alerts`)).json()) as {
          data: { alerts: { labels: Record<string, string>; state: string }[] };
        }
      ).data.alerts.filter((a) => a.labels.alertname === name && a.state === 'firing');
    expect(await firing('StudentPathDown')).toEqual([]);
    // The synthetic student got through the web app's /api: log in, a session, an answer, history.
    const journey = await eventually(
      'the synthetic student’s journey',
      async () => {
        // Its first run may come before the web app is up (a run every 10 s here): the next gets through.
        const steps = await query('brainbytes_synthetic_journey_success');
        return steps.find((s) => s.metric.step === 'journey')?.value[1] === '1' ? steps : undefined;
      },
      60_000,
    );
    expect(Object.fromEntries(journey.map((s) => [s.metric.step, s.value[1]]))).toEqual({
      login: '1',
      session: '1',
      ask: '1',
      history: '1',
      journey: '1',
    });

    // The web app's process stops (a crashed dyno): whatever listens on its port.
    execFileSync('fuser', ['-k', '-TERM', `${portOf('web')}/tcp`], { stdio: 'ignore' });
    const stoppedAt = Date.now();
    const [alert] = await eventually(
      'StudentPathDown for the web app',
      async () => ((await firing('StudentPathDown')).length ? firing('StudentPathDown') : undefined),
      60_000,
    );
    expect(alert?.labels).toMatchObject({ entry: 'web', severity: 'critical', team: 'infrastructure' });
    const mail = await eventually(
      'the StudentPathDown email',
      mailTo('infrastructure@brainbytes.ph', /StudentPathDown/),
      30_000,
    );
    expect(mail.parsed.html).toContain(`${url('web')}/login (web) has failed its probe`);
    console.log(
      `StudentPathDown fired and was emailed ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after the web app stopped (alert for shortened to 5 s here)`,
    );

    // Started again, the probe passes and the alert resolves.
    web = spawn(process.execPath, [join(root, 'web/dist/server.mjs')], {
      cwd: join(root, 'web'),
      env: {
        ...process.env,
        WEB_PORT: String(portOf('web')),
        BRAINBYTES_API_URL: url('api'),
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stdio: 'ignore',
    });
    await eventually(
      'StudentPathDown to resolve',
      async () =>
        (await firing('StudentPathDown')).length === 0 &&
        (await query('min(probe_success{job="blackbox"}) == 1')).length
          ? true
          : undefined,
      90_000,
    );
  }, 240_000);

  it('stops every child on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => stack.once('exit', resolve));
    stack.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stackOutput()).toContain('[start] stopped');
    await expect(fetch(`${url('api')}/api/health`)).rejects.toThrow();
  }, 30_000);
});
