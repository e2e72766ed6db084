import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUSINESS_HOURS, requireIntegrations } from '../src/alertmanager/config';
import { TEAMS } from '../src/config';
import { allAlerts } from '../src/rules';
import { renderToTemp, requireBinary } from './helpers/render';

const run = promisify(execFile);
const amtool = requireBinary('amtool', 'prometheus-alertmanager');
const rendered = renderToTemp();
const configFile = join(rendered.dir, 'alertmanager/alertmanager.yml');

async function routesFor(labels: Record<string, string>, expected?: string[]) {
  const args = ['config', 'routes', 'test', `--config.file=${configFile}`];
  if (expected) args.push(`--verify.receivers=${expected.join(',')}`);
  const result = await run(amtool, [...args, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]).catch(
    (e: { stdout: string; stderr: string; code: number }) => e,
  );
  return { ok: !('code' in result) || result.code === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

describe('amtool', () => {
  it('accepts the rendered alertmanager.yml and its templates', async () => {
    const { stdout } = await run(amtool, ['check-config', configFile]);
    expect(stdout).toContain('SUCCESS');
    expect(stdout).toMatch(/1 templates/);
  });

  const ROUTES: [string, Record<string, string>, string[]][] = [
    [
      'Watchdog → the dead man’s switch only',
      { alertname: 'Watchdog', severity: 'none', team: 'infrastructure' },
      ['watchdog'],
    ],
    [
      'a budget critical → the owner’s email, not the team or the lead',
      { alertname: 'MonthlyBudgetExceeded', severity: 'critical', team: 'product', category: 'budget' },
      ['budget-owner'],
    ],
    [
      'AI cost per question → the owner’s email',
      { alertname: 'AiCostPerQuestionDoubled', severity: 'warning', team: 'ai', category: 'budget' },
      ['budget-owner'],
    ],
    ...TEAMS.map((team): [string, Record<string, string>, string[]] => [
      `${team}'s production critical → escalation (after 30 min) and ${team}'s Slack + email`,
      { alertname: 'SomethingBroke', severity: 'critical', team, environment: 'production' },
      ['escalation', `${team}-critical`],
    ]),
    ...TEAMS.map((team): [string, Record<string, string>, string[]] => [
      `${team}'s staging critical → ${team}'s Slack + email in business hours, never the lead`,
      { alertname: 'SomethingBroke', severity: 'critical', team, environment: 'staging' },
      [`${team}-critical`],
    ]),
    ...TEAMS.map((team): [string, Record<string, string>, string[]] => [
      `${team}'s warning → ${team}'s warnings receiver (business hours)`,
      { alertname: 'SomethingSlow', severity: 'warning', team, environment: 'production' },
      [`${team}-warnings`],
    ]),
    [
      'an info → the team’s warnings receiver',
      { alertname: 'Note', severity: 'info', team: 'product' },
      ['product-warnings'],
    ],
    [
      'no traffic in the evening study peak → product at any hour (it fires after business hours)',
      {
        alertname: 'TrafficMissingInManilaPeakHours',
        severity: 'warning',
        team: 'product',
        environment: 'production',
      },
      ['product-critical'],
    ],
    ['an alert with no team → default', { alertname: 'Orphan', severity: 'warning' }, ['default']],
  ];

  it.each(ROUTES)('routes %s', async (_name, labels, receivers) => {
    const result = await routesFor(labels, receivers);
    expect(result.ok, result.output).toBe(true);
  });

  it('fails a route test that expects the wrong receiver (the table can fail)', async () => {
    const result = await routesFor({ alertname: 'X', severity: 'warning', team: 'ai' }, ['ai-critical']);
    expect(result.ok).toBe(false);
  });

  it('routes every alert rule somewhere other than the default receiver', async () => {
    for (const alert of allAlerts(rendered.config)) {
      const labels = { alertname: alert.alert, severity: alert.severity, team: alert.team, ...alert.labels };
      const { output } = await routesFor(labels);
      expect(output, alert.alert).not.toBe('default');
      expect(output.length, alert.alert).toBeGreaterThan(0);
    }
  });
});

describe('business hours', () => {
  it('holds every team warning to Mon–Fri 08:00–18:00 in Asia/Manila', () => {
    const config = parse(readFileSync(configFile, 'utf8'));
    expect(config.time_intervals).toEqual([
      {
        name: BUSINESS_HOURS,
        time_intervals: [
          {
            weekdays: ['monday:friday'],
            times: [{ start_time: '08:00', end_time: '18:00' }],
            location: 'Asia/Manila',
          },
        ],
      },
    ]);
    const teamRoutes = config.route.routes.filter((r: { matchers: string[] }) =>
      r.matchers[0]?.startsWith('team='),
    );
    expect(teamRoutes).toHaveLength(TEAMS.length);
    for (const route of teamRoutes) {
      const warning = route.routes.find((r: { matchers: string[] }) => r.matchers[0]?.includes('warning'));
      expect(warning.active_time_intervals).toEqual([BUSINESS_HOURS]);
      // Criticals page at any hour only in production.
      const [production, elsewhere] = route.routes.filter((r: { matchers: string[] }) =>
        r.matchers[0]?.includes('critical'),
      );
      expect(production.matchers).toContain('environment="production"');
      expect(production.active_time_intervals).toBeUndefined();
      expect(elsewhere.active_time_intervals).toEqual([BUSINESS_HOURS]);
    }
  });
});

describe('every alert reaches a person in every documented setup', () => {
  it.each([
    ['email only (no Slack, no dead man’s switch)', {}],
    [
      'Slack and a dead man’s switch',
      { SLACK_WEBHOOK_URL_FILE: '/run/secrets/slack', WATCHDOG_URL_FILE: '/run/secrets/watchdog-url' },
    ],
  ])('renders no receiver without an integration: %s', (_name, env) => {
    const { dir } = renderToTemp(env);
    const config = parse(readFileSync(join(dir, 'alertmanager/alertmanager.yml'), 'utf8'));
    for (const receiver of config.receivers as Record<string, unknown>[]) {
      const integrations = Object.keys(receiver).filter((k) => k.endsWith('_configs'));
      expect(integrations, String(receiver.name)).not.toEqual([]);
    }
    const warnings = (config.receivers as { name: string; email_configs?: unknown[] }[]).find(
      (r) => r.name === 'engineering-warnings',
    );
    expect(Boolean(warnings?.email_configs), 'warnings go by email when there is no Slack').toBe(
      !('SLACK_WEBHOOK_URL_FILE' in env),
    );
  });

  it('refuses to render a receiver that would drop its alerts', () => {
    expect(() => requireIntegrations([{ name: 'team-slack' }])).toThrow(/"team-slack" has no integration/);
    expect(requireIntegrations([{ name: 'ok', email_configs: [{ to: 'a@b.c' }] }])).toHaveLength(1);
  });
});
