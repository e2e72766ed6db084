import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForHttp } from '@brainbytes/testkit/ports';
import { describe, expect, it } from 'vitest';
import { appJsonProblems } from './app-json';
import { processesStoppedAfterEach, procfile, read, root } from './deploy-kit';

const run = processesStoppedAfterEach();

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
