import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from '@brainbytes/testkit/binaries';
import { freePort, waitForHttp } from '@brainbytes/testkit/ports';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { processesStoppedAfterEach, read, root } from './deploy-kit';

const run = processesStoppedAfterEach();

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
