import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROLES } from '../scripts/heroku/roles.mjs';
import { LAMBDA_FUNCTIONS } from '../scripts/rehearse/config-vars';
import { appComponents } from '../scripts/stack';
import { APP, herokuRoles, LAMBDA_ONLY, MONITORING, MONITORING_HEROKU_ROLES } from '../scripts/topology.mjs';
import { procfile, read, root } from './deploy-kit';

/**
 * scripts/topology.mjs describes which processes BrainBytes runs, on which port, in which Heroku app
 * and Lambda function. `npm start` and the Heroku roles read it; everything else that names the
 * processes must agree with it.
 */
describe('one topology: scripts/topology.mjs', () => {
  // The ports the design gives every process (../shared/DESIGN.md, "Ports"), held here: the
  // repository carries what its tests check, so a clone anywhere runs this test.
  const DESIGN_PORTS: Record<string, number> = {
    api: 3000,
    web: 3001,
    ai: 3002,
    pushgateway: 9091,
    'heroku-exporter': 9595,
    prometheus: 9090,
    alertmanager: 9093,
    grafana: 3003,
    'node-exporter': 9100,
    cadvisor: 8080,
  };

  it('has the ports of the design, and the README says them', () => {
    const topology = { ...APP, ...MONITORING } as Record<string, { port: number } | undefined>;
    for (const [name, port] of Object.entries(DESIGN_PORTS)) expect(topology[name]?.port, name).toBe(port);
    // The README's first command names what it starts, with these ports.
    const readme = read('README.md');
    const start = readme.split('\n').find((line) => line.startsWith('npm ci && npm start')) ?? '';
    for (const [label, name] of [
      ['gateway', 'pushgateway'],
      ['exporter', 'heroku-exporter'],
      ['tutor', 'ai'],
      ['API', 'api'],
      ['web', 'web'],
      ['Prometheus', 'prometheus'],
      ['Alertmanager', 'alertmanager'],
      ['node exporter', 'node-exporter'],
    ])
      expect(start, `README's npm start line: ${label}`).toContain(`${label} :${DESIGN_PORTS[name!]}`);
  });

  it('has a map in the README: every workspace, once, with its README', () => {
    const workspaces = JSON.parse(read('package.json')).workspaces as string[];
    const rows = read('README.md')
      .split('\n')
      .map((line) => /^\| `([a-z/]+)\/` \|.*\]\(([^)]+)\) \|$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(rows.map((m) => m[1]).sort()).toEqual([...workspaces].sort());
    for (const [, folder, link] of rows) {
      expect(link, folder).toBe(`${folder}/README.md`);
      expect(existsSync(join(root, link!)), link).toBe(true);
    }
  });

  it('is what npm start runs: the same processes, folders, entries and ports', () => {
    const started = Object.fromEntries(appComponents().map((c) => [c.name, c]));
    expect(Object.keys(started).sort()).toEqual(Object.keys(APP).sort());
    for (const [name, p] of Object.entries(APP)) {
      const c = started[name]!;
      expect(c.cwd, name).toBe(p.workspace);
      expect(c.health, name).toBe(p.health);
      expect(new URL(c.url).port, name).toBe(process.env[p.portVariable] ?? String(p.port));
      expect(c.args, name).toContain(p.entry);
    }
  });

  it('is what Heroku runs: one app per role, every process of a role started by the web dyno', () => {
    expect(procfile().web).toBe('node scripts/heroku/web.mjs');
    expect(Object.keys(ROLES)).toEqual(Object.keys(herokuRoles()));
    for (const [role, processes] of Object.entries(herokuRoles()))
      expect(
        ROLES[role]!.map((p) => p.name),
        role,
      ).toEqual(processes);
    const roleDoc = JSON.parse(read('app.json')).env.BRAINBYTES_ROLE.description as string;
    for (const role of Object.keys(ROLES)) expect(roleDoc, `app.json names the ${role} role`).toContain(role);
  });

  it('is what heroku.yml runs for monitoring: the entrypoint takes exactly its roles, each a part of the stack', () => {
    const herokuYml = parse(read('heroku.yml')) as { run: { web: string } };
    expect(herokuYml.run.web).toBe('/app/monitoring/heroku/entrypoint.sh');
    const entrypoint = read('monitoring/heroku/entrypoint.sh');
    const refusal = /MONITORING_ROLE=\\"\$\{MONITORING_ROLE:-\}\\" must be ([a-z, ]+) or ([a-z]+):/.exec(
      entrypoint,
    );
    const accepted = refusal ? [...(refusal[1] as string).split(', '), refusal[2] as string] : [];
    expect(accepted).toEqual(MONITORING_HEROKU_ROLES);
    for (const role of MONITORING_HEROKU_ROLES) expect(MONITORING, role).toHaveProperty(role);
  });

  it('is what serverless.yml deploys: a function for each process that runs on Lambda, and the job', () => {
    const functions = parse(read('serverless.yml')).functions as Record<string, { handler: string }>;
    const onLambda = Object.values(APP).flatMap((p) => (p.lambda ? [p.lambda] : []));
    expect(Object.keys(functions).sort()).toEqual([...onLambda, ...LAMBDA_ONLY].sort());
    for (const [name, f] of Object.entries(functions)) {
      const file = `${f.handler.replace(/\.handler$/, '')}.ts`;
      expect(existsSync(join(root, file)), `${name}: ${file}`).toBe(true);
    }
  });

  it('tells the exporter each function’s memory and timeout as serverless.yml sets them (README, rehearsal)', () => {
    const sls = parse(read('serverless.yml')) as {
      provider: { memorySize: number; timeout: number };
      functions: Record<string, { memorySize?: number; timeout?: number }>;
    };
    const deployed = Object.entries(sls.functions)
      .map(
        ([name, f]) =>
          `brainbytes-prod-${name}:${f.memorySize ?? sls.provider.memorySize}:${f.timeout ?? sls.provider.timeout}`,
      )
      .join(',');
    expect(LAMBDA_FUNCTIONS).toBe(deployed);
    expect(read('README.md')).toContain(`LAMBDA_FUNCTIONS=${deployed}`);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<
      string,
      {
        image?: string;
        ports?: string[];
        volumes?: string[];
        depends_on?: unknown;
        command?: string[] | string;
        working_dir?: string;
        environment?: Record<string, string>;
      }
    >;
    volumes: Record<string, unknown>;
  };

  /** What a person opens: students the web app; operators the monitoring UIs, each behind a login. */
  const PUBLISHED: Record<
    string,
    { port: number; login: (s: (typeof compose.services)[string]) => boolean }
  > = {
    web: { port: APP.web.port, login: () => true }, // students' own accounts
    prometheus: {
      port: MONITORING.prometheus.port,
      login: (s) => String(s.command).includes('--web.config.file=/config/web.yml'),
    },
    alertmanager: {
      port: MONITORING.alertmanager.port,
      login: (s) => String(s.command).includes('--web.config.file=/config/web.yml'),
    },
    grafana: {
      port: MONITORING.grafana.port,
      login: (s) =>
        s.environment?.GF_AUTH_ANONYMOUS_ENABLED === 'false' &&
        String(s.environment?.GF_SECURITY_ADMIN_PASSWORD).startsWith('${GF_SECURITY_ADMIN_PASSWORD:?'),
    },
  };

  it('publishes only what a person opens, each behind a login; every internal port stays on the compose network', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const published = PUBLISHED[name];
      if (!published) {
        // The tutor spends AI money with no login; the gateway, exporters and datastores are internal.
        expect(service.ports ?? [], `${name} publishes ${service.ports} on the host`).toEqual([]);
        continue;
      }
      expect(
        service.ports?.map((p) => p.split(':')[0]),
        name,
      ).toEqual([String(published.port)]);
      expect(published.login(service), `${name} is published without a login`).toBe(true);
    }
    for (const name of Object.keys({ ...APP, ...MONITORING }).filter((n) => n !== 'node-exporter'))
      expect(compose.services[name], name).toBeDefined();
  });

  it('gives the internal services production’s credentials: the exporter asks for them on /metrics and /drain', () => {
    const env = (name: string) => compose.services[name]?.environment ?? {};
    expect(env('heroku-exporter').HEROKU_EXPORTER_SCRAPE_CREDENTIALS).toMatch(
      /^prometheus:\$\{EXPORTER_SCRAPE_PASSWORD:\?/,
    );
    expect(env('heroku-exporter').HEROKU_DRAIN_CREDENTIALS).toMatch(/^drain:\$\{EXPORTER_DRAIN_PASSWORD:\?/);
    expect(env('pushgateway').PUSHGATEWAY_SCRAPE_CREDENTIALS).toMatch(
      /^prometheus:\$\{GATEWAY_SCRAPE_PASSWORD:\?/,
    );
    expect(env('render-monitoring')).toMatchObject({
      HEROKU_EXPORTER_SCRAPE_USER: 'prometheus',
      PUSHGATEWAY_SCRAPE_USER: 'prometheus',
      MONITORING_WEB_USER: 'brainbytes',
    });
    // Nothing in front of the web app: X-Forwarded-For is not believed (the default off a dyno).
    expect(env('web').WEB_TRUST_PROXY_HOPS ?? '0').toBe('0');
    expect(env('api').API_TRUST_PROXY_HOPS ?? '0').toBe('0');
  });

  it('pins official images', () => {
    for (const [name, s] of Object.entries(compose.services))
      expect(s.image, name).toMatch(
        /^(node|postgres|redis|prom\/[a-z-]+|grafana\/grafana-oss|gcr\.io\/cadvisor\/cadvisor|quay\.io\/prometheuscommunity\/postgres-exporter|oliver006\/redis_exporter):[\w.-]+$/,
      );
  });

  it('mounts only paths that exist, depends only on services that exist, and runs bundles the build makes', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (source.startsWith('.')) expect(existsSync(join(root, source)), `${name}: ${source}`).toBe(true);
        else if (!source.startsWith('/'))
          expect(compose.volumes, `${name}: volume ${source}`).toHaveProperty(source);
      }
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys((s.depends_on ?? {}) as object);
      for (const dep of deps)
        expect(compose.services, `${name} depends on ${dep}`).toHaveProperty(dep as string);
      const command = Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? '');
      const app = APP[name as keyof typeof APP];
      if (app) expect(command, name).toBe(`node ${app.workspace}/${app.entry}`);
      for (const m of command.matchAll(/([\w/.-]+\/dist\/[\w.-]+\.mjs)/g))
        expect(existsSync(join(root, m[1] as string)), `${name}: ${m[1]}`).toBe(true);
    }
  });
});
