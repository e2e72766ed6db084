// The processes BrainBytes runs, described once. `npm start` (scripts/stack.ts), the Heroku roles
// (scripts/heroku/roles.mjs) read it; docker-compose.yml, the Procfile, app.json and serverless.yml
// are checked against it (test/topology.test.ts). Plain JavaScript: Heroku's dynos run it with node.

/**
 * @typedef {object} AppProcess
 * @property {string} workspace    the folder it runs in
 * @property {string} entry        what node runs, from the workspace
 * @property {string} portVariable the variable that moves its port (else Heroku's PORT)
 * @property {number} port         its port in ../shared/DESIGN.md
 * @property {string} health       the path that answers 200 once it serves
 * @property {string} herokuRole   the Heroku app (BRAINBYTES_ROLE) that runs it
 * @property {string} [lambda]     its function in serverless.yml, where it also runs on Lambda
 */

/** @type {Record<'ai' | 'api' | 'web' | 'pushgateway' | 'heroku-exporter', AppProcess>} */
export const APP = {
  // On Heroku beside the API in its dyno, on loopback: it spends AI money and has no auth of its own.
  ai: {
    workspace: 'functions',
    entry: 'dist/ai.mjs',
    portVariable: 'AI_PORT',
    port: 3002,
    health: '/ai/health',
    herokuRole: 'api',
    lambda: 'ai',
  },
  api: {
    workspace: 'functions',
    entry: 'dist/api.mjs',
    portVariable: 'API_PORT',
    port: 3000,
    health: '/api/health',
    herokuRole: 'api',
    lambda: 'api',
  },
  web: {
    workspace: 'web',
    entry: 'dist/server.mjs',
    portVariable: 'WEB_PORT',
    port: 3001,
    health: '/login',
    herokuRole: 'web',
  },
  pushgateway: {
    workspace: 'pushgateway',
    entry: 'dist/main.mjs',
    portVariable: 'PUSHGATEWAY_PORT',
    port: 9091,
    health: '/-/healthy',
    herokuRole: 'pushgateway',
  },
  'heroku-exporter': {
    workspace: 'exporters/heroku',
    entry: 'dist/main.mjs',
    portVariable: 'HEROKU_EXPORTER_PORT',
    port: 9595,
    health: '/-/healthy',
    herokuRole: 'heroku-exporter',
  },
};

/** Functions that run only on Lambda (serverless.yml): the scheduled business-metrics job. */
export const LAMBDA_ONLY = ['job'];

/** The monitoring stack's ports (../shared/DESIGN.md), each movable by `<NAME>_PORT`. */
export const MONITORING = {
  prometheus: { portVariable: 'PROMETHEUS_PORT', port: 9090 },
  alertmanager: { portVariable: 'ALERTMANAGER_PORT', port: 9093 },
  grafana: { portVariable: 'GRAFANA_PORT', port: 3003 },
  'node-exporter': { portVariable: 'NODE_EXPORTER_PORT', port: 9100 },
  'postgres-exporter': { portVariable: 'POSTGRES_EXPORTER_PORT', port: 9187 },
  'redis-exporter': { portVariable: 'REDIS_EXPORTER_PORT', port: 9121 },
  // The black-box probes of the public entries (Debian's prometheus-blackbox-exporter, its own default port).
  'blackbox-exporter': { portVariable: 'BLACKBOX_EXPORTER_PORT', port: 9115 },
  // Docker only (docker-compose.yml): the containers' own CPU and memory.
  cadvisor: { portVariable: 'CADVISOR_PORT', port: 8080 },
};

/**
 * The monitoring stack's Heroku apps (heroku.yml: one container image; MONITORING_ROLE picks the
 * part its entrypoint runs on $PORT).
 */
export const MONITORING_HEROKU_ROLES = ['prometheus', 'alertmanager', 'grafana'];

/** The Heroku roles: each is one app whose `web` dyno runs these processes. */
export function herokuRoles() {
  /** @type {Record<string, string[]>} */
  const roles = {};
  for (const [name, p] of Object.entries(APP)) {
    roles[p.herokuRole] ??= [];
    roles[p.herokuRole].push(name);
  }
  return roles;
}

/** The port a process listens on here: its variable, else its default. */
export function portOf(/** @type {{ portVariable: string, port: number }} */ p, env = process.env) {
  return env[p.portVariable] || String(p.port);
}
