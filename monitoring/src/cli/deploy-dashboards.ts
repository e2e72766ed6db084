import { readFileSync } from 'node:fs';
import { ConfigError, configOrExit } from '@brainbytes/telemetry/service/config-error';
import { DeployError, type DeployOptions, deployDashboards } from '../grafana/deploy';

function loadDeployOptions(env = process.env): Omit<DeployOptions, 'log'> {
  const url = env.GRAFANA_URL?.trim().replace(/\/$/, '');
  if (!url || !/^https?:\/\//.test(url))
    throw new ConfigError('GRAFANA_URL must be your Grafana, e.g. https://brainbytes.grafana.net');
  const tokenFile = env.GRAFANA_TOKEN_FILE?.trim();
  const token = tokenFile ? readFileSync(tokenFile, 'utf8').trim() : env.GRAFANA_TOKEN?.trim();
  if (!token)
    throw new ConfigError(
      'GRAFANA_TOKEN (or GRAFANA_TOKEN_FILE) must hold a service-account token with the Editor role (Administration → Service accounts)',
    );
  return {
    url,
    token,
    folderUid: env.GRAFANA_FOLDER_UID?.trim() || 'brainbytes',
    folderTitle: env.GRAFANA_FOLDER_TITLE?.trim() || 'BrainBytes',
    ...(env.GRAFANA_DATASOURCE_UID?.trim() ? { datasourceUid: env.GRAFANA_DATASOURCE_UID.trim() } : {}),
  };
}

const options = configOrExit('dashboards:deploy', () => loadDeployOptions());
try {
  const saved = await deployDashboards({ ...options, log: (line) => console.log(line) });
  console.log(`done: ${saved.length} dashboards saved`);
} catch (error) {
  if (!(error instanceof DeployError)) throw error;
  console.error(`dashboards:deploy: ${error.message}`);
  process.exit(1);
}
