import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ALERTED_HEROKU_CODES } from '@brainbytes/telemetry/metrics/heroku-codes';
import { inspectPromql, withGrafanaVariables } from '@brainbytes/testkit/promql';
import { describe, expect, it } from 'vitest';
import { loadMonitoringConfig } from '../src/config';
import { DASHBOARDS } from '../src/grafana/dashboards';
import { DATASOURCE } from '../src/grafana/panel';
import { prometheusConfig } from '../src/prometheus/config';
import { renderAll } from '../src/render';
import { allAlerts } from '../src/rules';
import { config, dashboardQueries, filesUnder, type Panel, ruleQueries } from './helpers/queries';

describe('rendered files', () => {
  it('are current: monitoring/rendered is exactly what the TypeScript renders with the defaults', () => {
    const dir = new URL('../rendered', import.meta.url).pathname;
    const expected = renderAll(config);
    const onDisk = filesUnder(dir).map((f) => relative(dir, f));
    expect(onDisk.sort(), 'run `npm run render -w monitoring` and commit').toEqual(
      [...expected.keys()].sort(),
    );
    for (const [path, text] of expected)
      expect(
        readFileSync(join(dir, path), 'utf8'),
        `${path} is stale: run npm run render -w monitoring`,
      ).toBe(text);
  });

  it('hold no secret values: credentials are only ever file paths', () => {
    const rendered = renderAll(
      loadMonitoringConfig({
        PUSHGATEWAY_TARGET: 'https://brainbytes-gateway.herokuapp.com',
        PUSHGATEWAY_SCRAPE_USER: 'prometheus',
        PUSHGATEWAY_SCRAPE_PASSWORD_FILE: '/run/secrets/gateway-password',
        GRAFANA_CLOUD_PROMETHEUS_URL: 'https://prometheus-prod-37.grafana.net/api/prom/push',
        GRAFANA_CLOUD_PROMETHEUS_USER: '123456',
        GRAFANA_CLOUD_TOKEN_FILE: '/run/secrets/grafana-token',
        SMTP_AUTH_USERNAME: 'alerts',
        SMTP_AUTH_PASSWORD_FILE: '/run/secrets/smtp-password',
        SLACK_WEBHOOK_URL_FILE: '/run/secrets/slack-webhook',
      }),
    );
    const prometheus = rendered.get('prometheus/prometheus.yml') ?? '';
    expect(prometheus).toContain('password_file: /run/secrets/gateway-password');
    expect(prometheus).toContain('url: https://prometheus-prod-37.grafana.net/api/prom/push');
    const alertmanager = rendered.get('alertmanager/alertmanager.yml') ?? '';
    expect(alertmanager).toContain('smtp_auth_password_file: /run/secrets/smtp-password');
    expect(alertmanager).toContain('slack_api_url_file: /run/secrets/slack-webhook');
    for (const text of rendered.values())
      expect(text).not.toMatch(/^\s*(password|smtp_auth_password|api_url|slack_api_url):/m);
  });

  it('refuse half-set credentials with a message naming the variables', () => {
    expect(() =>
      loadMonitoringConfig({ GRAFANA_CLOUD_PROMETHEUS_URL: 'https://x.grafana.net/api/prom/push' }),
    ).toThrow(/GRAFANA_CLOUD_PROMETHEUS_USER, GRAFANA_CLOUD_TOKEN_FILE/);
    expect(() => loadMonitoringConfig({ PUSHGATEWAY_SCRAPE_USER: 'p' })).toThrow(
      /PUSHGATEWAY_SCRAPE_PASSWORD_FILE/,
    );
    expect(() => loadMonitoringConfig({ BRAINBYTES_MONTHLY_BUDGET_DOLLARS: 'lots' })).toThrow(
      /BRAINBYTES_MONTHLY_BUDGET_DOLLARS="lots" must be a positive number/,
    );
    expect(() => loadMonitoringConfig({ PROMETHEUS_SCRAPE_INTERVAL: '15 seconds' })).toThrow(
      /PROMETHEUS_SCRAPE_INTERVAL/,
    );
    expect(() => loadMonitoringConfig({ ALERT_EMAIL_AI: 'not-an-address' })).toThrow(/ALERT_EMAIL_AI/);
    // A webhook URL with credentials would show on Alertmanager's status page: the token goes in a file.
    const hook = () =>
      loadMonitoringConfig({ ALERT_WEBHOOK_URL_PRODUCT: 'https://user:s3cret@hooks.example.test/bb' });
    expect(hook).toThrow(/ALERT_WEBHOOK_URL_PRODUCT=.*ALERT_WEBHOOK_TOKEN_FILE_PRODUCT/);
    expect(hook).not.toThrow(/s3cret/);
    // So would one in the query string (M1x).
    const query = () =>
      loadMonitoringConfig({ ALERT_WEBHOOK_URL_PRODUCT: 'https://hooks.example.test/bb?token=s3cret' });
    expect(query).toThrow(/ALERT_WEBHOOK_URL_PRODUCT=.*without credentials or a query/);
    expect(query).not.toThrow(/s3cret/);
    // The dead man's switch's URL is its secret: from a file (url_file) on Alertmanager 0.26+.
    const inline = () => loadMonitoringConfig({ WATCHDOG_URL: 'https://hc-ping.example/0b9e-secret-uuid' });
    expect(inline).toThrow(/WATCHDOG_URL_FILE/);
    expect(inline).not.toThrow(/secret-uuid/);
    const fromFile = loadMonitoringConfig({ WATCHDOG_URL_FILE: '/run/secrets/watchdog-url' });
    expect(fromFile.alerting.watchdogUrlFile).toBe('/run/secrets/watchdog-url');
    expect(() =>
      loadMonitoringConfig({ WATCHDOG_URL_FILE: '/run/secrets/w', ALERTMANAGER_VERSION: '0.25.0' }),
    ).toThrow(/needs Alertmanager 0.26/);
    expect(() => loadMonitoringConfig({ ALERT_WEBHOOK_MAX_ALERTS: '-1' })).toThrow(
      /ALERT_WEBHOOK_MAX_ALERTS/,
    );
  });
});

describe('PromQL', () => {
  it.each([...ruleQueries, ...dashboardQueries].map((q) => [q.where, q.expr] as const))(
    '%s parses',
    (_where, expr) => {
      expect(inspectPromql(withGrafanaVariables(expr)).errors).toEqual([]);
    },
  );

  it('finds a syntax error when there is one (the parser check can fail)', () => {
    expect(inspectPromql('sum(rate(brainbytes_http_requests_total[5m])').errors).not.toEqual([]);
  });
});

describe('dashboards', () => {
  const all = Object.values(DASHBOARDS);

  it('are five, with unique uids and titles', () => {
    expect(all).toHaveLength(5);
    expect(new Set(all.map((d) => d.uid)).size).toBe(5);
    expect(new Set(all.map((d) => d.title)).size).toBe(5);
  });

  it.each(Object.entries(DASHBOARDS))(
    '%s: unique panel ids, units set, the provisioned datasource, no overlaps',
    (_name, d) => {
      const panels = d.panels as Panel[];
      expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
      const cells = new Set<string>();
      for (const p of panels) {
        expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
        for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
          for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
            expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
            cells.add(`${x},${y}`);
          }
        if (p.type === 'row') continue;
        expect(p.fieldConfig?.defaults.unit, `${p.title} has a unit`).toBeTruthy();
        expect(p.datasource?.uid).toBe(DATASOURCE.uid);
        expect(p.targets?.length, `${p.title} has a query`).toBeGreaterThan(0);
      }
      expect(new Set(panels.map((p) => p.title)).size, 'panel titles are unique').toBe(panels.length);
    },
  );
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  it.each([...new Set(allAlerts(config).map((a) => a.alert))])(
    'explains %s under its own heading (the runbook link)',
    (alert) => {
      expect(readme).toMatch(new RegExp(`^#### ${alert}$`, 'm'));
    },
  );
});

describe('scrape targets are rendered only where they run', () => {
  const jobs = (env: Record<string, string>) => {
    const prometheus = prometheusConfig(loadMonitoringConfig(env)) as {
      scrape_configs: { job_name: string }[];
      alerting?: unknown;
    };
    return { jobs: prometheus.scrape_configs.map((j) => j.job_name), alerting: Boolean(prometheus.alerting) };
  };

  it('on Heroku (the monitoring container): no node exporter job, so TargetDown has nothing to fire on', () => {
    expect(
      jobs({
        PROMETHEUS_TARGET: 'localhost:5000',
        PUSHGATEWAY_TARGET: 'https://brainbytes-gateway.herokuapp.com',
        HEROKU_EXPORTER_TARGET: 'https://brainbytes-exporter.herokuapp.com',
        ALERTMANAGER_TARGET: 'https://brainbytes-alertmanager.herokuapp.com',
      }),
    ).toEqual({ jobs: ['prometheus', 'pushgateway', 'heroku-exporter', 'alertmanager'], alerting: true });
  });

  it('with nothing configured: Prometheus itself, and no Alertmanager to send to', () => {
    expect(jobs({})).toEqual({ jobs: ['prometheus'], alerting: false });
  });
});

describe('Heroku error codes: one list for the exporter and the alerts', () => {
  it('alerts on every code the exporter starts at 0, and on no other', () => {
    const listed = Object.values(ALERTED_HEROKU_CODES).flat().sort();
    const alerted = allAlerts(config)
      .flatMap((a) => [...a.expr.matchAll(/heroku_\w+_errors_total\{code="(\w+)"\}/g)].map((m) => m[1]!))
      .sort();
    expect(alerted).toEqual(listed);
  });
});

describe('with Grafana Cloud, the rules run in exactly one place', () => {
  const cloud = {
    GRAFANA_CLOUD_PROMETHEUS_URL: 'https://prometheus-prod-37.grafana.net/api/prom/push',
    GRAFANA_CLOUD_PROMETHEUS_USER: '123456',
    GRAFANA_CLOUD_TOKEN_FILE: '/run/secrets/grafana-token',
    ALERTMANAGER_TARGET: 'localhost:9093',
  };
  const render = (env: Record<string, string>) =>
    prometheusConfig(loadMonitoringConfig(env)) as {
      rule_files?: string[];
      alerting?: unknown;
      remote_write?: unknown[];
    };

  it('local (the default): this Prometheus evaluates and alerts, and remote-writes everything it records', () => {
    const config = render(cloud);
    expect(config.rule_files).toEqual(['rules/*.yml']);
    expect(config.alerting).toBeDefined();
    expect(config.remote_write).toHaveLength(1);
    expect(JSON.stringify(config.remote_write)).not.toContain('write_relabel_configs');
  });

  it('hosted: this Prometheus only forwards; no rules, no alerting of its own', () => {
    const config = render({ ...cloud, MONITORING_RULES_AT: 'hosted' });
    expect(config.rule_files).toBeUndefined();
    expect(config.alerting).toBeUndefined();
    expect(config.remote_write).toHaveLength(1);
  });

  it('refuses hosted rules without remote_write', () => {
    expect(() => loadMonitoringConfig({ MONITORING_RULES_AT: 'hosted' })).toThrow(/needs remote_write/);
  });
});

describe('dashboards at 3 a.m.', () => {
  const json = JSON.stringify(DASHBOARDS);
  it('show every environment by default, deploys as annotations, and no Watchdog among the firing alerts', () => {
    for (const d of Object.values(DASHBOARDS)) {
      const variable = (d.templating.list as { name: string; current: { value: string } }[])[0];
      expect(variable?.current.value, d.title).toBe('$__all');
      expect((d.annotations.list as { expr: string }[])[0]?.expr).toContain('heroku_release_version');
    }
    expect(json).toContain('alertname!=\\"Watchdog\\"');
  });

  it('draw the memory quota R14 fires at, the host CPU, disk I/O and network, and API latency and fallback up front', () => {
    for (const expr of [
      'heroku_dyno_memory_bytes{kind=\\"quota\\"}',
      'node_cpu_seconds_total',
      'node_disk_read_bytes_total',
      'node_network_receive_bytes_total',
    ])
      expect(json).toContain(expr);
    const overview = JSON.stringify(DASHBOARDS['system-overview']);
    expect(overview).toContain('p95_5m');
    expect(overview).toContain('brainbytes_ai_fallback_answers');
  });
});
