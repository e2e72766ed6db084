/** Typed Grafana dashboard JSON (schemaVersion 39): just the parts BrainBytes uses. */

export const DATASOURCE = { type: 'prometheus', uid: 'brainbytes-prometheus' } as const;

export type PanelType = 'timeseries' | 'stat' | 'gauge' | 'bargauge' | 'table';

export interface Query {
  expr: string;
  legend?: string;
  /** Table panels read instant values. */
  instant?: boolean;
}

export interface PanelSpec {
  title: string;
  type: PanelType;
  /** Grafana unit id: s, percentunit, bytes, decbytes, reqps, currencyUSD, short … */
  unit: string;
  queries: Query[];
  description?: string;
  /** Width in grid columns (of 24); the row is filled left to right. */
  width?: number;
  height?: number;
  min?: number;
  max?: number;
  /** Steps for stat and gauge colours: [value, colour] after a green base. */
  thresholds?: [number, string][];
  stack?: boolean;
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  rows: RowSpec[];
}

interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

const ENVIRONMENT_VARIABLE = {
  name: 'environment',
  label: 'Environment',
  type: 'query',
  datasource: DATASOURCE,
  query: { query: 'label_values(brainbytes_http_requests_total, environment)', refId: 'environment' },
  definition: 'label_values(brainbytes_http_requests_total, environment)',
  refresh: 2,
  includeAll: true,
  multi: true,
  current: { text: 'All', value: '$__all' },
  allValue: '.*',
};

function panel(spec: PanelSpec, id: number, gridPos: GridPos) {
  const thresholds = {
    mode: 'absolute',
    steps: [
      { color: 'green', value: null },
      ...(spec.thresholds ?? []).map(([value, color]) => ({ color, value })),
    ],
  };
  return {
    id,
    type: spec.type,
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: DATASOURCE,
    gridPos,
    targets: spec.queries.map((q, i) => ({
      datasource: DATASOURCE,
      refId: String.fromCharCode(65 + i),
      expr: q.expr,
      legendFormat: q.legend ?? '__auto',
      ...(q.instant || spec.type === 'table'
        ? { instant: true, range: false, format: 'table' }
        : { range: true }),
    })),
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        ...(spec.min !== undefined ? { min: spec.min } : {}),
        ...(spec.max !== undefined ? { max: spec.max } : {}),
        thresholds,
        ...(spec.type === 'timeseries'
          ? {
              custom: {
                drawStyle: 'line',
                lineWidth: 1,
                fillOpacity: spec.stack ? 60 : 10,
                stacking: { mode: spec.stack ? 'normal' : 'none' },
                spanNulls: true,
              },
            }
          : {}),
      },
      overrides: [],
    },
    options:
      spec.type === 'timeseries'
        ? {
            legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
            tooltip: { mode: 'multi', sort: 'desc' },
          }
        : spec.type === 'table'
          ? { showHeader: true }
          : { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, orientation: 'auto' },
  };
}

/** Lays rows and panels out top to bottom, left to right, on Grafana's 24-column grid. */
/** A mark on every graph when a Heroku app releases (its release version goes up). */
export const DEPLOY_ANNOTATION = {
  name: 'Deploys',
  datasource: DATASOURCE,
  enable: true,
  iconColor: 'rgba(0, 211, 255, 1)',
  expr: 'changes(max by (app) (heroku_release_version)[2m:]) > 0',
  step: '1m',
  titleFormat: 'Deploy',
  textFormat: '{{app}} released',
};

export function dashboard(spec: DashboardSpec) {
  const panels: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { x: 0, y, w: 24, h: 1 },
      panels: [],
    });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const p of row.panels) {
      const w = p.width ?? (p.type === 'stat' || p.type === 'gauge' ? 4 : 12);
      const h = p.height ?? (p.type === 'stat' || p.type === 'gauge' ? 4 : 8);
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      panels.push(panel(p, id++, { x, y, w, h }));
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['brainbytes', ...spec.tags],
    timezone: 'Asia/Manila',
    editable: false,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [ENVIRONMENT_VARIABLE] },
    annotations: { list: [DEPLOY_ANNOTATION] },
    links: [{ title: 'BrainBytes', type: 'dashboards', tags: ['brainbytes'], asDropdown: true }],
    panels,
  };
}

export type Dashboard = ReturnType<typeof dashboard>;

/** This month's spend as a share of the budget, coloured at the budget alerts' thresholds. */
export const budgetGauge = (title: string): PanelSpec => ({
  title,
  type: 'gauge',
  unit: 'percentunit',
  queries: [{ expr: 'brainbytes:spend_budget:ratio' }],
  min: 0,
  max: 1.2,
  thresholds: [
    [0.5, 'yellow'],
    [0.8, 'orange'],
    [1, 'red'],
  ],
});

/** `environment=~"$environment"`, the selector every app query carries. */
export const ENV = 'environment=~"$environment"';
