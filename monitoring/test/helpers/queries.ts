import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_EXAMPLE_ENV, loadMonitoringConfig } from '../../src/config';
import { DASHBOARDS } from '../../src/grafana/dashboards';
import { ruleFiles } from '../../src/rules';

/** Every PromQL expression the rules and the dashboards hold (with the example settings), named by where it is. */
export const config = loadMonitoringConfig(LOCAL_EXAMPLE_ENV);
export const groups = [...ruleFiles(config).values()].flatMap((f) => f.groups);
export const recorded = new Set(
  groups.flatMap((g) => g.rules.flatMap((r) => ('record' in r ? [r.record] : []))),
);

export type Panel = {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
} & {
  targets?: { expr: string }[];
  fieldConfig?: { defaults: { unit?: string } };
  datasource?: { uid: string };
};

export const dashboardQueries = Object.entries(DASHBOARDS).flatMap(([name, d]) =>
  (d.panels as Panel[]).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: `${name} / ${p.title}`, expr: t.expr })),
  ),
);
export const ruleQueries = groups.flatMap((g) =>
  g.rules.map((r) => ({ where: `${g.name} / ${'record' in r ? r.record : r.alert}`, expr: r.expr })),
);

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
