import { DASHBOARDS } from './dashboards';
import { DATASOURCE } from './panel';

export interface DeployOptions {
  /** Grafana's base URL, e.g. https://brainbytes.grafana.net */
  url: string;
  /** A service-account token with the Editor role; sent as a Bearer token, never logged. */
  token: string;
  folderUid: string;
  folderTitle: string;
  /** The Prometheus datasource's uid in that Grafana, when it is not `brainbytes-prometheus`. */
  datasourceUid?: string;
  log: (line: string) => void;
}

export class DeployError extends Error {
  override name = 'DeployError';
}

/** Points every panel and target at `uid` (hosted Grafana names its Prometheus datasource itself). */
export function withDatasource<T>(dashboard: T, uid: string): T {
  return JSON.parse(JSON.stringify(dashboard).replaceAll(`"uid":"${DATASOURCE.uid}"`, `"uid":"${uid}"`)) as T;
}

async function call(options: DeployOptions, method: string, path: string, body?: unknown) {
  const res = await fetch(`${options.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${options.token}`,
      Accept: 'application/json',
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(15_000),
  }).catch((error: Error) => {
    throw new DeployError(`cannot reach ${options.url} (${error.message}): check GRAFANA_URL`);
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (res.status === 401 || res.status === 403)
    throw new DeployError(
      `Grafana refused GRAFANA_TOKEN (${res.status}) on ${method} ${path}: use a service-account token with the Editor role`,
    );
  return { status: res.status, json };
}

/** Creates the folder when missing, then saves every dashboard into it, overwriting older versions. */
export async function deployDashboards(
  options: DeployOptions,
): Promise<{ uid: string; url: string; version: number }[]> {
  const { log } = options;
  const names = Object.keys(DASHBOARDS);
  log(`deploying ${names.length} dashboards to ${options.url}, folder "${options.folderTitle}"`);
  const folder = await call(options, 'GET', `/api/folders/${encodeURIComponent(options.folderUid)}`);
  if (folder.status === 404) {
    const created = await call(options, 'POST', '/api/folders', {
      uid: options.folderUid,
      title: options.folderTitle,
    });
    if (created.status !== 200)
      throw new DeployError(
        `could not create folder ${options.folderUid}: ${created.status} ${String(created.json.message ?? '')}`,
      );
    log(`  created folder "${options.folderTitle}"`);
  } else if (folder.status !== 200) {
    throw new DeployError(
      `could not read folder ${options.folderUid}: ${folder.status} ${String(folder.json.message ?? '')}`,
    );
  }
  const saved = [];
  for (const [i, [name, dashboard]] of Object.entries(DASHBOARDS).entries()) {
    const body = options.datasourceUid ? withDatasource(dashboard, options.datasourceUid) : dashboard;
    const res = await call(options, 'POST', '/api/dashboards/db', {
      dashboard: { ...body, id: null },
      folderUid: options.folderUid,
      overwrite: true,
      message: 'Deployed by npm run dashboards:deploy -w monitoring',
    });
    if (res.status !== 200)
      throw new DeployError(
        `saving ${name} failed: ${res.status} ${String(res.json.message ?? res.json.status ?? '')}`,
      );
    const result = {
      uid: String(res.json.uid),
      url: String(res.json.url),
      version: Number(res.json.version),
    };
    log(`  [${i + 1}/${names.length}] ${name} → ${options.url}${result.url} (version ${result.version})`);
    saved.push(result);
  }
  return saved;
}
