import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBinary } from '@brainbytes/testkit/binaries';
import { freePort, waitForHttp } from '@brainbytes/testkit/ports';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appJsonProblems } from './app-json';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** Procfile lines: `type: command`. */
function procfile(): Record<string, string> {
  return Object.fromEntries(
    read('Procfile')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => {
        const m = /^([a-zA-Z0-9_-]+):\s*(.+)$/.exec(l);
        if (!m) throw new Error(`not a Procfile line: ${l}`);
        return [m[1] as string, m[2] as string];
      }),
  );
}

let children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
  children = [];
});

function run(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  children.push(child);
  return { child, output: () => output };
}

describe('Heroku: Procfile and app.json', () => {
  it('app.json follows the app.json schema and its formation matches the Procfile', () => {
    const app = JSON.parse(read('app.json'));
    expect(appJsonProblems(app, Object.keys(procfile()))).toEqual([]);
    expect(app.env.AUTH_SECRET.generator).toBe('secret');
    expect(app.addons.map((a: { plan: string }) => a.plan)).toContain('heroku-postgresql:essential-0');
    expect(app.environments.test.scripts.test).toBeTruthy();
  });

  it('the rules catch a broken app.json (the check can fail)', () => {
    const broken = {
      name: 'x',
      env: { lower: { value: 1 } },
      formation: { worker: { quantity: -1 } },
      addons: ['Bad Plan'],
    };
    expect(appJsonProblems(broken, ['web']).length).toBeGreaterThanOrEqual(5);
  });

  it('every Procfile command names files that exist, and each role’s bundle is built', async () => {
    const types = procfile();
    expect(Object.keys(types).sort()).toEqual(['release', 'web']);
    for (const command of Object.values(types)) {
      const [program, file] = command.split(/\s+/);
      expect(program).toBe('node');
      expect(existsSync(join(root, file as string)), file).toBe(true);
    }
    const { ROLES } = (await import('../scripts/heroku/roles.mjs')) as {
      ROLES: Record<string, { cwd: string; args: string[] }[]>;
    };
    for (const [role, parts] of Object.entries(ROLES))
      for (const part of parts) {
        const file = part.args[0] as string;
        const path = file.startsWith('/') ? file : join(root, part.cwd, file);
        expect(existsSync(path), `${role}: ${path} (npm run build makes it)`).toBe(true);
      }
  });

  it('the web process refuses to guess its role', () => {
    const result = spawnSync(process.execPath, ['scripts/heroku/web.mjs'], {
      cwd: root,
      env: { ...process.env, BRAINBYTES_ROLE: 'db' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'BRAINBYTES_ROLE="db" must be one of api, web, pushgateway, heroku-exporter',
    );
  });

  it('runs the API app as Heroku would: release migrates, web serves the API with the tutor in the same dyno', async () => {
    const port = await freePort();
    const env = {
      BRAINBYTES_ROLE: 'api',
      PORT: String(port),
      PGLITE_DIR: mkdtempSync(join(tmpdir(), 'bb-heroku-')),
      LOG_LEVEL: 'warn',
    };
    const release = spawnSync(process.execPath, ['scripts/heroku/release.mjs'], {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(release.status, release.stderr).toBe(0);
    const web = run(process.execPath, ['scripts/heroku/web.mjs'], {
      ...env,
      AI_PORT: String(await freePort()),
    });
    await waitForHttp(`http://127.0.0.1:${port}/api/health`, 20_000).catch((e) => {
      throw new Error(`${e.message}\n${web.output()}`);
    });
    const base = `http://127.0.0.1:${port}`;
    const post = (path: string, body: unknown, token?: string) =>
      fetch(base + path, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const { token } = (await (
      await post('/api/auth/register', { email: 'heroku@example.ph', name: 'H', password: 'heroku-dyno-1' })
    ).json()) as { token: string };
    const session = (await (await post('/api/sessions', { subject: 'math' }, token)).json()) as {
      id: string;
    };
    const asked = await post(
      `/api/sessions/${session.id}/questions`,
      { question: 'How do I add fractions?' },
      token,
    );
    expect(asked.status).toBe(201);
    expect(((await asked.json()) as { answer: string }).answer).toContain('Offline tutor');
  }, 40_000);
});

describe('Heroku: the monitoring container', () => {
  it('heroku.yml builds monitoring/heroku/Dockerfile and runs its entrypoint', () => {
    const herokuYml = parse(read('heroku.yml'));
    expect(herokuYml.build.docker.web).toBe('monitoring/heroku/Dockerfile');
    const entry = (herokuYml.run.web as string).replace(/^\/app\//, '');
    accessSync(join(root, entry), constants.X_OK);
    const dockerfile = read(herokuYml.build.docker.web);
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm))
      expect(existsSync(join(root, m[1] as string)), m[1]).toBe(true);
    for (const m of dockerfile.matchAll(/^FROM (\S+)/gm))
      expect(m[1], 'images are pinned').toMatch(/:(?!latest)[\w.-]+$/);
  });

  it('the entrypoint renders the config from config vars and starts Prometheus and Alertmanager on $PORT', async () => {
    requireBinary('prometheus', 'prometheus');
    const alertmanager = requireBinary('prometheus-alertmanager', 'prometheus-alertmanager');
    // The official image calls it `alertmanager`; Debian `prometheus-alertmanager`.
    const bin = mkdtempSync(join(tmpdir(), 'bb-bin-'));
    symlinkSync(alertmanager, join(bin, 'alertmanager'));
    const common = {
      PATH: `${bin}:${process.env.PATH}`,
      PUSHGATEWAY_TARGET: 'https://brainbytes-gateway.herokuapp.com',
      PUSHGATEWAY_SCRAPE_USER: 'prometheus',
      PUSHGATEWAY_SCRAPE_PASSWORD: 's3cret-scrape-password',
      SMTP_AUTH_USERNAME: 'alerts',
      SMTP_AUTH_PASSWORD: 's3cret-smtp-password',
      BRAINBYTES_MONTHLY_BUDGET_DOLLARS: '250',
    };
    for (const role of ['prometheus', 'alertmanager']) {
      const port = await freePort();
      const state = mkdtempSync(join(tmpdir(), `bb-${role}-`));
      const started = run('monitoring/heroku/entrypoint.sh', [], {
        ...common,
        MONITORING_ROLE: role,
        PORT: String(port),
        MONITORING_STATE_DIR: state,
      });
      await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 20_000).catch((e) => {
        throw new Error(`${role}: ${e.message}\n${started.output()}`);
      });
      const rendered = readFileSync(
        join(
          state,
          'brainbytes',
          role === 'prometheus' ? 'prometheus/prometheus.yml' : 'alertmanager/alertmanager.yml',
        ),
        'utf8',
      );
      expect(rendered).not.toContain('s3cret');
      expect(rendered).toContain(join(state, 'secrets'));
      if (role === 'prometheus') {
        const budget = readFileSync(
          join(state, 'brainbytes/prometheus/rules/brainbytes-spend.rules.yml'),
          'utf8',
        );
        expect(budget).toContain('vector(250)');
      }
      expect(started.output()).not.toContain('s3cret');
    }
  }, 60_000);

  it('watches the attached database and Redis from the Prometheus dyno with their own exporters', async () => {
    requireBinary('prometheus', 'prometheus');
    // The official images' names for Debian's binaries.
    const bin = mkdtempSync(join(tmpdir(), 'bb-bin-'));
    symlinkSync(
      requireBinary('prometheus-postgres-exporter', 'prometheus-postgres-exporter'),
      join(bin, 'postgres_exporter'),
    );
    symlinkSync(
      requireBinary('prometheus-redis-exporter', 'prometheus-redis-exporter'),
      join(bin, 'redis_exporter'),
    );
    const port = await freePort();
    const dyno = spawn('monitoring/heroku/entrypoint.sh', [], {
      cwd: root,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        MONITORING_ROLE: 'prometheus',
        PORT: String(port),
        MONITORING_STATE_DIR: mkdtempSync(join(tmpdir(), 'bb-prometheus-ds-')),
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable',
        REDIS_URL: 'redis://127.0.0.1:6379',
        POSTGRES_EXPORTER_PORT: String(await freePort()),
        REDIS_EXPORTER_PORT: String(await freePort()),
        PROMETHEUS_SCRAPE_INTERVAL: '1s',
      },
      stdio: 'ignore',
      detached: true, // the exporters run beside Prometheus in the dyno: stop them all together
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/-/ready`, 20_000);
      let up: Record<string, string> = {};
      for (let i = 0; i < 60 && !(up.postgres === '1' && up.redis === '1'); i++) {
        await new Promise((r) => setTimeout(r, 250));
        const res = await fetch(
          `${url}/api/v1/query?query=${encodeURIComponent('up{job=~"postgres|redis"}')}`,
        );
        const result = (
          (await res.json()) as { data: { result: { metric: { job: string }; value: [number, string] }[] } }
        ).data.result;
        up = Object.fromEntries(result.map((r) => [r.metric.job, r.value[1]]));
      }
      expect(up).toEqual({ postgres: '1', redis: '1' });
    } finally {
      try {
        process.kill(-(dyno.pid as number), 'SIGTERM');
      } catch {
        // gone already
      }
    }
  }, 60_000);

  it('puts Prometheus and Alertmanager behind basic auth from a config var, and Prometheus still scrapes itself', async () => {
    requireBinary('prometheus', 'prometheus');
    const alertmanager = requireBinary('prometheus-alertmanager', 'prometheus-alertmanager');
    const bin = mkdtempSync(join(tmpdir(), 'bb-bin-'));
    symlinkSync(alertmanager, join(bin, 'alertmanager'));
    const password = 'correct-horse-battery-staple';
    const auth = { Authorization: `Basic ${Buffer.from(`brainbytes:${password}`).toString('base64')}` };
    for (const role of ['prometheus', 'alertmanager']) {
      const port = await freePort();
      const started = run('monitoring/heroku/entrypoint.sh', [], {
        PATH: `${bin}:${process.env.PATH}`,
        DYNO: 'web.1',
        MONITORING_ROLE: role,
        PORT: String(port),
        MONITORING_STATE_DIR: mkdtempSync(join(tmpdir(), `bb-${role}-auth-`)),
        MONITORING_WEB_USER: 'brainbytes',
        MONITORING_WEB_PASSWORD: password,
        PROMETHEUS_SCRAPE_INTERVAL: '1s',
      });
      const url = `http://127.0.0.1:${port}`;
      const api = role === 'prometheus' ? '/api/v1/status/buildinfo' : '/api/v2/status';
      await waitForHttp(`${url}/-/healthy`, 20_000, auth).catch((e) => {
        throw new Error(`${role}: ${e.message}\n${started.output()}`);
      });
      expect((await fetch(`${url}${api}`)).status, `${role} without credentials`).toBe(401);
      expect(
        (await fetch(`${url}${api}`, { headers: { Authorization: 'Basic YnJhaW5ieXRlczp3cm9uZw==' } }))
          .status,
      ).toBe(401);
      expect((await fetch(`${url}${api}`, { headers: auth })).status, `${role} with credentials`).toBe(200);
      if (role === 'prometheus') {
        let up: unknown;
        for (let i = 0; i < 40 && up !== '1'; i++) {
          await new Promise((r) => setTimeout(r, 250));
          const res = await fetch(`${url}/api/v1/query?query=up{job="prometheus"}`, { headers: auth });
          up = ((await res.json()) as { data: { result: { value: [number, string] }[] } }).data.result[0]
            ?.value[1];
        }
        expect(up, 'Prometheus scrapes itself through its own basic auth').toBe('1');
      }
      expect(started.output()).not.toContain(password);
    }
  }, 60_000);

  it.each([
    ['prometheus', 'MONITORING_WEB_PASSWORD'],
    ['alertmanager', 'MONITORING_WEB_PASSWORD'],
    ['grafana', 'GF_SECURITY_ADMIN_PASSWORD'],
  ])('refuses to start %s on a dyno without %s', (role, variable) => {
    const result = spawnSync('monitoring/heroku/entrypoint.sh', [], {
      cwd: root,
      env: {
        ...process.env,
        PORT: '1',
        DYNO: 'web.1',
        MONITORING_ROLE: role,
        MONITORING_STATE_DIR: mkdtempSync(join(tmpdir(), 'bb-x-')),
      },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${variable} is not set`);
    expect(result.stderr).toContain('heroku config:set');
  });

  it('refuses an unknown MONITORING_ROLE with the command that sets it', () => {
    const result = spawnSync('monitoring/heroku/entrypoint.sh', [], {
      cwd: root,
      env: {
        ...process.env,
        PORT: '1',
        MONITORING_ROLE: 'loki',
        MONITORING_STATE_DIR: mkdtempSync(join(tmpdir(), 'bb-x-')),
      },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('heroku config:set MONITORING_ROLE=prometheus');
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
      }
    >;
    volumes: Record<string, unknown>;
  };
  const DESIGN_PORTS: Record<string, number> = {
    api: 3000,
    web: 3001,
    ai: 3002,
    grafana: 3003,
    prometheus: 9090,
    pushgateway: 9091,
    alertmanager: 9093,
    'node-exporter': 9100,
    'heroku-exporter': 9595,
    cadvisor: 8080,
  };

  it('publishes every service on its port from ../shared/DESIGN.md, from pinned official images', () => {
    for (const [name, port] of Object.entries(DESIGN_PORTS)) {
      const service = compose.services[name];
      expect(service, name).toBeDefined();
      expect(service?.ports?.[0]?.split(':')[0], name).toBe(String(port));
    }
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
      for (const m of command.matchAll(/([\w/.-]+\/dist\/[\w.-]+\.mjs)/g))
        expect(existsSync(join(root, m[1] as string)), `${name}: ${m[1]}`).toBe(true);
    }
  });
});
