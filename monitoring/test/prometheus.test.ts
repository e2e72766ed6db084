import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningExporter, startExporter } from '@brainbytes/heroku-exporter/in-process';
import { LAMBDA_REPORT_METRICS, lambdaReportNamespace } from '@brainbytes/telemetry/metrics';
import { FakePlatformApi } from '@brainbytes/testkit/fake-platform-api';
import { lines, postDrain } from '@brainbytes/testkit/frames';
import { type Moto, startMoto } from '@brainbytes/testkit/moto';
import { startGatewayProcess } from '@brainbytes/testkit/processes';
import { withGrafanaVariables } from '@brainbytes/testkit/promql';
import {
  eventually,
  promQuery,
  type RunningProcess,
  startAlertmanager,
  startBlackboxExporter,
  startNodeExporter,
  startPrometheus,
} from '@brainbytes/testkit/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../src/grafana/dashboards';
import { ruleFiles } from '../src/rules';
import { freePort, renderToTemp } from './helpers/render';
import { simulateTraffic } from './helpers/traffic';

/**
 * The real Prometheus with the rendered config and rules, scraping our gateway (filled by the
 * telemetry clients), the Heroku exporter (a fake Platform API and drained log lines), the node
 * exporter and Alertmanager, every second. Every recording rule and dashboard query must return data.
 */
let gateway: RunningProcess;
let exporter: RunningExporter;
let moto: Moto;
let platform: FakePlatformApi;
let nodeExporter: RunningProcess;
let alertmanager: RunningProcess;
let prometheus: RunningProcess;
let blackbox: RunningProcess;
let loginPage: ReturnType<typeof createServer>;
let recordNames: string[];

const query = (expr: string) => promQuery(prometheus.url, expr);

let grafana: { url: string; close(): Promise<void> };
/** Grafana's request histogram: every scrape, ten more dashboard loads and panel queries. */
async function grafanaMetrics() {
  let scrapes = 0;
  const server = createServer((_req, res) => {
    scrapes++;
    const lines = ['# TYPE grafana_http_request_duration_seconds histogram'];
    for (const handler of ['/api/dashboards/uid/:uid', '/api/ds/query'])
      for (const le of ['0.5', '1', '2.5', '+Inf'])
        lines.push(
          `grafana_http_request_duration_seconds_bucket{handler="${handler}",method="GET",status_code="200",le="${le}"} ${le === '0.5' ? 8 * scrapes : 10 * scrapes}`,
        );
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const host = (url: string) => new URL(url).host;

beforeAll(async () => {
  gateway = await startGatewayProcess({ PUSHGATEWAY_PERSISTENCE: 'memory' });
  platform = await new FakePlatformApi([
    {
      name: 'brainbytes-api',
      dynos: [{ type: 'web', size: 'Basic', state: 'up', n: 2 }],
      formation: [{ type: 'web', quantity: 2, size: 'Basic' }],
      releases: 12,
      addons: [{ service: 'heroku-postgresql', plan: 'essential-0', cents: 500 }],
      runtimeMetrics: true,
    },
  ]).start();
  // Lambda as CloudWatch reports it (moto), around now, for the exporter's CloudWatch panels.
  moto = await startMoto();
  const minute = Date.now() - (Date.now() % 60_000);
  await moto.seedLambda(
    'brainbytes-prod-api',
    [-2, -1, 0, 1, 2].flatMap((m) => {
      const Timestamp = new Date(minute + m * 60_000);
      return [
        { MetricName: 'Invocations', Timestamp, Value: 40, Unit: 'Count' as const },
        { MetricName: 'Errors', Timestamp, Value: 1, Unit: 'Count' as const },
        { MetricName: 'Throttles', Timestamp, Value: 0, Unit: 'Count' as const },
        { MetricName: 'ConcurrentExecutions', Timestamp, Value: 2, Unit: 'Count' as const },
        { MetricName: 'Duration', Timestamp, Value: 300, Unit: 'Milliseconds' as const },
      ];
    }),
  );
  // And what its REPORT metric filters publish: billed duration with INIT, INIT, peak memory.
  await moto.seed(
    lambdaReportNamespace('brainbytes-prod-api'),
    [-2, -1, 0, 1, 2].flatMap((m) => {
      const Timestamp = new Date(minute + m * 60_000);
      return [
        { MetricName: LAMBDA_REPORT_METRICS.billed, Timestamp, Value: 13_900, Unit: 'Milliseconds' as const },
        { MetricName: LAMBDA_REPORT_METRICS.init, Timestamp, Value: 950, Unit: 'Milliseconds' as const },
        { MetricName: LAMBDA_REPORT_METRICS.maxMemory, Timestamp, Value: 210, Unit: 'Megabytes' as const },
      ];
    }),
  );
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_CLOUDWATCH: moto.endpoint,
    AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
  });
  exporter = await startExporter({
    HEROKU_API_TOKEN: platform.token,
    HEROKU_API_URL: platform.url,
    HEROKU_DRAIN_TOKENS: 'd.api',
    LAMBDA_FUNCTIONS: 'brainbytes-prod-api:512:29',
    AWS_REGION: moto.region,
    CLOUDWATCH_PERIOD_SECONDS: '60',
    CLOUDWATCH_DURATION_PERCENTILES: '',
  });
  await exporter.exporter.poller!.poll();
  await exporter.exporter.cloudWatch!.poll();
  const drained = await postDrain(exporter.url, 'brainbytes-api', 'd.api', [
    lines.routerOk,
    lines.routerPost,
    lines.routerH12,
    lines.memory,
    lines.load,
    lines.r14,
    lines.crash,
    lines.postgres,
  ]);
  expect(drained.status).toBeLessThan(300);
  nodeExporter = await startNodeExporter();
  // Grafana is not packaged in Debian: its /metrics, as Grafana writes its request histogram.
  grafana = await grafanaMetrics();

  const prometheusPort = await freePort();
  const amRendered = renderToTemp();
  alertmanager = await startAlertmanager(`${amRendered.dir}/alertmanager/alertmanager.yml`);
  // The student's path from outside: the blackbox exporter probing a web app's login page.
  blackbox = await startBlackboxExporter(`${amRendered.dir}/blackbox/blackbox.yml`);
  loginPage = createServer((_req, res) => res.end('<form><input name="password" type="password"></form>'));
  await new Promise<void>((r) => loginPage.listen(0, '127.0.0.1', r));
  const { dir, config } = renderToTemp({
    PROMETHEUS_SCRAPE_INTERVAL: '1s',
    PROMETHEUS_EVALUATION_INTERVAL: '1s',
    PROMETHEUS_SPEND_EVALUATION_INTERVAL: '1s',
    // CloudWatch's few minutes here are far inside the free tier: count none of it, so Lambda bills.
    LAMBDA_FREE_TIER_SHARE: '0',
    PROMETHEUS_TARGET: `127.0.0.1:${prometheusPort}`,
    PUSHGATEWAY_TARGET: host(gateway.url),
    HEROKU_EXPORTER_TARGET: host(exporter.url),
    NODE_EXPORTER_TARGET: host(nodeExporter.url),
    ALERTMANAGER_TARGET: host(alertmanager.url),
    GRAFANA_TARGET: host(grafana.url),
    BLACKBOX_EXPORTER_TARGET: host(blackbox.url),
    WEB_PUBLIC_URL: `http://127.0.0.1:${(loginPage.address() as AddressInfo).port}`,
  });
  recordNames = [...ruleFiles(config).values()].flatMap((f) =>
    f.groups.flatMap((g) => g.rules.flatMap((r) => ('record' in r ? [r.record] : []))),
  );
  prometheus = await startPrometheus(`${dir}/prometheus/prometheus.yml`, prometheusPort);

  // Prometheus syncs its targets a few seconds after it is ready; traffic that ended before the
  // first scrape of the gateway would be one flat sample, and every rate 0.
  await eventually(
    'the first scrape of the gateway',
    async () => ((await query('up{job="pushgateway"} == 1')).length ? true : undefined),
    20_000,
  );
  // One refused push, as a misconfigured client would make: the gateway counts it.
  const refused = await fetch(`${gateway.url}/metrics/job/brainbytes-api`, {
    method: 'PUT',
    body: 'not exposition text {',
  });
  expect(refused.status).toBe(400);
  await simulateTraffic(gateway.url, 6, 1000);
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  await blackbox?.stop();
  loginPage?.close();
  await alertmanager?.stop();
  await nodeExporter?.stop();
  await grafana?.close();
  await exporter?.close();
  moto?.stop();
  await platform?.stop();
  await gateway?.stop();
});

describe('the real Prometheus with the rendered configuration', () => {
  it('scrapes every target', async () => {
    const jobs = await eventually(
      'all eight targets up',
      async () => {
        const result = await query('up == 1');
        return result.length === 8 ? result.map((r) => r.metric.job).sort() : undefined;
      },
      20_000,
    );
    expect(jobs).toEqual([
      'alertmanager',
      'blackbox', // the probe of the web app's login page, through the exporter
      'blackbox-exporter',
      'grafana',
      'heroku-exporter',
      'node',
      'prometheus',
      'pushgateway',
    ]);
  });

  it('has every recording rule return data', async () => {
    const missing = new Set(recordNames);
    const deadline = Date.now() + 30_000;
    while (missing.size && Date.now() < deadline) {
      for (const name of missing) if ((await query(name)).length > 0) missing.delete(name);
      if (missing.size) await new Promise((r) => setTimeout(r, 500));
    }
    expect([...missing]).toEqual([]);
  }, 45_000);

  it('gives sane values: spend by all three providers, client shares adding to one, the Manila hour', async () => {
    let last: unknown;
    const providers = await eventually(
      'spend above 0 for ai, heroku and lambda',
      async () => {
        const result = await query('provider:brainbytes_spend_dollars:month_to_date');
        last = result.map((r) => [r.metric.provider, r.value[1]]);
        return result.length === 3 && result.every((p) => Number(p.value[1]) > 0) ? result : undefined;
      },
      15_000,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}; last: ${JSON.stringify(last)}`);
    });
    expect(providers.map((p) => p.metric.provider).sort()).toEqual(['ai', 'heroku', 'lambda']);
    expect(providers.find((p) => p.metric.provider === 'ai')?.value[1]).toMatch(/^23\.5/); // the job's figure
    const shares = (await query(
      'sum by (environment) (client_type:brainbytes_http_requests:share_rate5m)',
    )) as {
      value: [number, string];
    }[];
    for (const s of shares) expect(Number(s.value[1])).toBeCloseTo(1, 6);
    const hour = await query('manila_hour:brainbytes_questions:rate5m');
    // The hour in Manila now, or a minute ago: the rule's last evaluation may fall before an hour's turn.
    const manila = [60_000, 0].map((ago) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Manila', hour: '2-digit', hourCycle: 'h23' }).format(
        new Date(Date.now() - ago),
      ),
    );
    expect(manila).toContain(hour[0]?.metric.manila_hour);
  });

  it('has every dashboard query return data', async () => {
    const queries = Object.entries(DASHBOARDS).flatMap(([name, d]) =>
      (d.panels as { title: string; targets?: { expr: string }[] }[]).flatMap((p) =>
        (p.targets ?? []).map((t) => ({
          where: `${name} / ${p.title}`,
          expr: withGrafanaVariables(t.expr, '1m'),
        })),
      ),
    );
    // The firing-alerts table leaves the Watchdog out: with nothing broken it is rightly empty.
    // Certificates: the probed page here is plain HTTP (blackbox.test.ts covers TLS).
    const empty = new Map(
      queries
        .filter(
          (q) =>
            !q.expr.includes('alertname!="Watchdog"') && !q.expr.includes('probe_ssl_earliest_cert_expiry'),
        )
        .map((q) => [q.expr, q.where]),
    );
    const deadline = Date.now() + 30_000;
    while (empty.size && Date.now() < deadline) {
      for (const [expr] of empty) if ((await query(expr)).length > 0) empty.delete(expr);
      if (empty.size) await new Promise((r) => setTimeout(r, 500));
    }
    expect([...empty].map(([expr, where]) => `${where}: ${expr}`)).toEqual([]);
  }, 45_000);

  it('fires the Watchdog and delivers it to Alertmanager', async () => {
    const watchdog = await eventually(
      'the Watchdog in Alertmanager',
      async () => {
        const alerts = (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as {
          labels: Record<string, string>;
        }[];
        return alerts.find((a) => a.labels.alertname === 'Watchdog');
      },
      20_000,
    );
    expect(watchdog.labels).toMatchObject({
      severity: 'none',
      team: 'infrastructure',
      environment: 'development',
      cluster: 'brainbytes-local',
    });
  }, 30_000);
});
