import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { alertmanagerConfig } from './alertmanager/config';
import { blackboxConfig } from './blackbox';
import type { MonitoringConfig } from './config';
import { DASHBOARDS } from './grafana/dashboards';
import { dashboardProvisioning, datasourceProvisioning } from './grafana/provisioning';
import { prometheusConfig } from './prometheus/config';
import { ruleFiles } from './rules';

const HEADER =
  '# Generated from monitoring/src by `npm run render -w monitoring`. Edit the TypeScript, not this file.\n';

const yaml = (value: unknown) => HEADER + stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Every file Prometheus, Alertmanager and Grafana read, by path under the output folder. */
export function renderAll(config: MonitoringConfig): Map<string, string> {
  const rules = ruleFiles(config);
  const files = new Map<string, string>([
    ['prometheus/prometheus.yml', yaml(prometheusConfig(config))],
    ...[...rules].map(([name, file]): [string, string] => [`prometheus/rules/${name}`, yaml(file)]),
    ['alertmanager/alertmanager.yml', yaml(alertmanagerConfig(config))],
    ['blackbox/blackbox.yml', yaml(blackboxConfig(config.probes.caFile))],
    [
      'alertmanager/templates/brainbytes.tmpl',
      readFileSync(new URL('./alertmanager/templates/brainbytes.tmpl', import.meta.url), 'utf8'),
    ],
    ['grafana/provisioning/datasources/prometheus.yml', yaml(datasourceProvisioning)],
    ['grafana/provisioning/dashboards/brainbytes.yml', yaml(dashboardProvisioning)],
  ]);
  for (const [name, dashboard] of Object.entries(DASHBOARDS))
    files.set(`grafana/dashboards/${name}.json`, json(dashboard));
  return files;
}
