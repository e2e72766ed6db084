import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeOpenAi } from '@brainbytes/testkit/fake-openai';
import { FakePlatformApi } from '@brainbytes/testkit/fake-platform-api';
import { logplexBody } from '@brainbytes/testkit/frames';
import { freePort, waitForHttp } from '@brainbytes/testkit/ports';
import { type RunningProcess, trackProcess } from '@brainbytes/testkit/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** Secrets planted in every setting that holds one; none may appear in any log line of the run. */
const SECRETS = {
  gatewayPush: 'Pl4ntedPushPassw0rd',
  gatewayScrape: 'Pl4ntedScrapePassw0rd',
  gatewayAdmin: 'Pl4ntedAdminPassw0rd',
  openAiKey: 'sk-pl4nted0penAiKeyEndsWithQz7X',
  authSecret: 'Pl4ntedAuthSecret-0123456789abcdefghij',
  proxySecret: 'Pl4ntedProxySecret-0123456789abcdefghij',
  databasePassword: 'Pl4ntedDbPassw0rd',
  herokuToken: 'Pl4ntedHerokuT0ken',
  drainPassword: 'Pl4ntedDrainPassw0rd',
};
// What OpenAI's 401 quotes of a key: its last four characters.
const KEY_TAIL = SECRETS.openAiKey.slice(-4);

const running: RunningProcess[] = [];
async function start(name: string, script: string, env: Record<string, string>, health: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'debug', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = trackProcess(child, `http://127.0.0.1:${port}`, port);
  running.push(proc);
  await waitForHttp(`${proc.url}${health}`, 30_000).catch((error) => {
    throw new Error(`${name} did not start: ${error.message}\n${proc.output()}`);
  });
  return proc;
}

describe('no secret reaches a log line, in a full run with every secret planted', () => {
  const openAi = new FakeOpenAi();
  const platform = new FakePlatformApi([], SECRETS.herokuToken);
  let gateway: RunningProcess;
  let ai: RunningProcess;
  let api: RunningProcess;
  let exporter: RunningProcess;

  beforeAll(async () => {
    await openAi.start();
    await platform.start();
    platform.fail('/apps', 500, 500, 500);
    gateway = await start(
      'gateway',
      'pushgateway/src/main.ts',
      {
        PUSHGATEWAY_PERSISTENCE: 'memory',
        PUSHGATEWAY_PUSH_CREDENTIALS: `push:${SECRETS.gatewayPush}`,
        PUSHGATEWAY_SCRAPE_CREDENTIALS: `prometheus:${SECRETS.gatewayScrape}`,
        PUSHGATEWAY_ADMIN_CREDENTIALS: `admin:${SECRETS.gatewayAdmin}`,
        PUSHGATEWAY_HOST: '127.0.0.1',
      },
      '/-/healthy',
    );
    const withCredentials = gateway.url.replace('http://', `http://push:${SECRETS.gatewayPush}@`);
    ai = await start(
      'AI tutor',
      'functions/src/ai/main.ts',
      {
        OPENAI_API_KEY: SECRETS.openAiKey,
        OPENAI_BASE_URL: openAi.url,
        PUSHGATEWAY_URL: withCredentials,
        PUSH_INTERVAL_SECONDS: '1',
      },
      '/ai/health',
    );
    api = await start(
      'API',
      'functions/src/api/main.ts',
      {
        AI_URL: ai.url,
        AUTH_SECRET: SECRETS.authSecret,
        API_PROXY_SECRET: SECRETS.proxySecret,
        // Trust authentication ignores the password; the URL still carries it everywhere it goes.
        DATABASE_URL: `postgres://postgres:${SECRETS.databasePassword}@127.0.0.1:5432/test`,
        PUSHGATEWAY_URL: gateway.url,
        PUSHGATEWAY_PUSH_CREDENTIALS: `push:${SECRETS.gatewayPush}`,
        PUSH_INTERVAL_SECONDS: '1',
      },
      '/api/health',
    );
    exporter = await start(
      'Heroku exporter',
      'exporters/heroku/src/main.ts',
      {
        HEROKU_EXPORTER_HOST: '127.0.0.1',
        HEROKU_API_TOKEN: SECRETS.herokuToken,
        HEROKU_API_URL: platform.url,
        HEROKU_POLL_INTERVAL_SECONDS: '1',
        HEROKU_DRAIN_CREDENTIALS: `drain:${SECRETS.drainPassword}`,
        BRAINBYTES_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bb-secrets-')),
      },
      '/-/healthy',
    );
  }, 120_000);

  afterAll(async () => {
    for (const proc of running.reverse()) await proc.stop();
    await openAi.stop();
    await platform.stop();
  });

  it('logs what happened — failures included — and none of the secrets', async () => {
    const json = { 'Content-Type': 'application/json' };
    const email = `secrets-${Date.now()}@example.ph`;
    const register = await fetch(`${api.url}/api/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email, name: 'Ana', password: 'maganda123' }),
    });
    const { token } = (await register.json()) as { token: string };
    const auth = { ...json, Authorization: `Bearer ${token}` };
    await fetch(`${api.url}/api/auth/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email, password: 'wrong-password' }),
    });
    const session = (await (
      await fetch(`${api.url}/api/sessions`, { method: 'POST', headers: auth, body: '{"subject":"math"}' })
    ).json()) as { id: string };
    openAi.behaviours.push(401, 401); // the provider refuses the key: the tutor falls back, and logs it
    const asked = await fetch(`${api.url}/api/sessions/${session.id}/questions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ question: 'What is 2 + 2?' }),
    });
    expect(asked.status).toBe(201);
    // Wrong credentials everywhere a secret is checked.
    await fetch(`${gateway.url}/metrics/job/x`, {
      method: 'PUT',
      headers: { Authorization: `Basic ${Buffer.from('push:guess').toString('base64')}` },
      body: 'x 1\n',
    });
    await fetch(`${exporter.url}/drain/brainbytes-api`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/logplex-1',
        Authorization: `Basic ${Buffer.from('drain:guess').toString('base64')}`,
      },
      body: logplexBody([
        '<158>1 2026-11-30T00:00:00+00:00 host heroku router - at=info method=GET status=200',
      ]),
    });
    await new Promise((r) => setTimeout(r, 2500)); // pushes and Platform API polls (failing) happen
    for (const proc of running) proc.child.kill('SIGTERM');
    await Promise.all(running.map((proc) => proc.stop()));

    const logs = running.map((proc) => proc.output()).join('\n');
    expect(logs).toContain('AI provider failed');
    expect(logs).toMatch(/"status":401/);
    expect(logs).toContain(`http://push:***@127.0.0.1:${gateway.port}`);
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(logs.includes(secret), `${name} appears in the logs`).toBe(false);
    }
    expect(logs.includes(KEY_TAIL), "the OpenAI key's last four characters appear in the logs").toBe(false);
  }, 60_000);
});
