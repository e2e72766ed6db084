import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { alertGroups } from '../src/rules';
import { runbookAnchor } from '../src/rules/runbook';
import { ALERT_CASES, type AlertCase } from './alert-cases';
import { renderToTemp, requireBinary } from './helpers/render';

const run = promisify(execFile);
const promtool = requireBinary('promtool', 'prometheus');
// The Prometheus under test watches production, as the cases' series do.
const { dir, config } = renderToTemp({ MONITORING_ENVIRONMENT: 'production' });
const rulesDir = join(dir, 'prometheus/rules');
const groups = alertGroups(config);

async function promtoolTest(testFile: string) {
  try {
    const { stdout } = await run(promtool, ['test', 'rules', testFile]);
    return { ok: true, output: stdout };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function testFileFor(c: AlertCase, index: number): string {
  const group = groups.find((g) => g.rules.some((r) => r.alert === c.alert));
  if (!group) throw new Error(`no alert named ${c.alert}`);
  const expAlerts = (c.fires ?? []).map((f) => {
    const rule = group.rules.find((r) => r.alert === c.alert && r.severity === f.severity);
    if (!rule) throw new Error(`${c.alert} has no ${f.severity} rule`);
    return {
      exp_labels: {
        severity: rule.severity,
        team: rule.team,
        service: rule.service,
        ...rule.labels,
        ...f.labels,
      },
      exp_annotations: {
        summary: rule.summary,
        description: f.description,
        runbook_url: `${config.runbookBaseUrl}#${runbookAnchor(c.alert)}`,
        ...f.annotations,
      },
    };
  });
  const test = {
    rule_files: [group.name, ...(c.recording ?? [])].map((name) => join(rulesDir, `${name}.yml`)),
    evaluation_interval: c.interval ?? '1m',
    tests: [
      {
        interval: c.interval ?? '1m',
        input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [{ eval_time: c.evalTime, alertname: c.alert, exp_alerts: expAlerts }],
      },
    ],
  };
  const file = join(dir, `case-${index}.yml`);
  writeFileSync(file, stringify(test, { lineWidth: 0 }));
  return file;
}

describe('promtool check', () => {
  it('accepts the rendered prometheus.yml and every rule file', async () => {
    const config = await run(promtool, ['check', 'config', join(dir, 'prometheus/prometheus.yml')]);
    expect(config.stdout).toContain('is valid prometheus config file syntax');
    const files = groups.map((g) => join(rulesDir, `${g.name}.yml`));
    const checked = await run(promtool, ['check', 'rules', ...files]);
    expect(checked.stdout.match(/SUCCESS/g)?.length).toBe(files.length);
  });
});

describe('promtool test rules: every alert fires when it should and stays quiet otherwise', () => {
  it('has a firing and a quiet case for every alert rule (Watchdog always fires)', () => {
    for (const group of groups) {
      for (const rule of group.rules) {
        const cases = ALERT_CASES.filter((c) => c.alert === rule.alert);
        expect(
          cases.some((c) => c.fires?.some((f) => f.severity === rule.severity)),
          `${rule.alert} ${rule.severity} fires`,
        ).toBe(true);
        if (rule.alert !== 'Watchdog')
          expect(
            cases.some((c) => !c.fires),
            `${rule.alert} quiet`,
          ).toBe(true);
      }
    }
  });

  for (const [index, c] of ALERT_CASES.entries()) {
    const what = c.fires ? `fires (${c.fires.map((f) => f.severity).join(', ')})` : 'stays quiet';
    it(`${c.alert} ${what} at ${c.evalTime}`, async () => {
      const result = await promtoolTest(testFileFor(c, index));
      expect(result.output).toContain('SUCCESS');
      expect(result.ok, result.output).toBe(true);
    });
  }
});
