import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from '@brainbytes/testkit/ports';
import { type RunningProcess, startGatewayProcess, trackProcess } from '@brainbytes/testkit/processes';

export { requireBinary } from '@brainbytes/testkit/binaries';
export type { RunningProcess };

const root = fileURLToPath(new URL('../..', import.meta.url));
export const webDir = join(root, 'web');
/** Where the test run leaves its screenshots (web/README.md says so). */
export const SCREENSHOTS = join(webDir, 'test-results', 'screenshots');

async function startNode(
  name: string,
  args: string[],
  env: Record<string, string>,
  healthPath: string,
  cwd = root,
) {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'warn', NEXT_TELEMETRY_DISABLED: '1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running = trackProcess(child, `http://127.0.0.1:${port}`, port);
  // 90 s: the API's first start runs PGlite's initdb, which took over 30 s once beside four test
  // files, the rehearsal and two monitoring stacks. One that does not start is stopped, not left.
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`exited (${signal ?? `code ${code}`}) before it answered`)),
    ),
  );
  exited.catch(() => undefined); // once it has answered, its exit is the test's business
  await Promise.race([waitForHttp(`${running.url}${healthPath}`, 90_000), exited]).catch(async (error) => {
    await running.stop();
    throw new Error(`${name} did not start: ${error.message}\n${running.output()}`);
  });
  return running;
}

/**
 * The real stack on free ports: our gateway (in memory), the AI tutor (offline curriculum), the
 * API on a fresh PGlite, and the production build of the web app (its server, `dist/server.mjs`).
 */
export async function startStack({
  apiEnv = {},
  aiEnv = {},
}: {
  apiEnv?: Record<string, string>;
  aiEnv?: Record<string, string>;
} = {}) {
  requireWebBuild();
  const started: RunningProcess[] = [];
  const start = async (running: Promise<RunningProcess>) => {
    const part = await running.catch(async (error) => {
      // A part that did not start: the parts started before it are stopped, not left running.
      for (const p of started.reverse()) await p.stop();
      throw error;
    });
    started.push(part);
    return part;
  };
  const gateway = await start(startGatewayProcess({ PUSHGATEWAY_PERSISTENCE: 'memory' }));
  // As npm start and the README's Heroku commands do: one secret, on the API and the web app.
  const proxySecret = randomBytes(24).toString('base64url');
  const ai = await start(
    startNode(
      'AI tutor',
      ['--import', 'tsx', 'functions/src/ai/main.ts'],
      { PUSHGATEWAY_URL: gateway.url, ...aiEnv },
      '/ai/health',
    ),
  );
  const api = await start(
    startNode(
      'API',
      ['--import', 'tsx', 'functions/src/api/main.ts'],
      {
        AI_URL: ai.url,
        PUSHGATEWAY_URL: gateway.url,
        PGLITE_DIR: mkdtempSync(join(tmpdir(), 'bb-web-e2e-')),
        API_PROXY_SECRET: proxySecret,
        ...apiEnv,
      },
      '/api/health',
    ),
  );
  const web = await start(startWeb({ BRAINBYTES_API_URL: api.url, API_PROXY_SECRET: proxySecret }));
  return {
    gateway,
    ai,
    api,
    web,
    proxySecret,
    async stop() {
      for (const p of [web, api, ai, gateway]) await p.stop();
    },
  };
}

function requireWebBuild() {
  if (!existsSync(join(webDir, 'dist', 'server.mjs')) || !existsSync(join(webDir, '.next', 'BUILD_ID')))
    throw new Error(
      'web/ has no production build: run `npm run build -w web` first (CI runs `npm run build`)',
    );
}

/**
 * The production build of the web app (its server, `dist/server.mjs`) on a free port, before `env`'s
 * API. The tests stand in for Heroku's router: X-Forwarded-For's last entry is the address it saw.
 */
export function startWeb(env: { BRAINBYTES_API_URL: string; API_PROXY_SECRET: string }) {
  requireWebBuild();
  return startNode(
    'web',
    [join(webDir, 'dist/server.mjs')],
    { ...env, WEB_TRUST_PROXY_HOPS: '1' },
    '/login',
    webDir,
  );
}

/** A cheap Android phone as students have: 360×800, touch, a mobile User-Agent. */
export const PHONE = {
  viewport: { width: 360, height: 800 },
  userAgent:
    'Mozilla/5.0 (Linux; Android 13; SM-A146P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36',
  isMobile: true,
  hasTouch: true,
};

/** Chromium as the machine's env doc says to start it here: no background networking, no sandbox as root. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** An answer as it crosses the wire (fetch would unpack it): status, headers and the body's bytes. */
export const raw = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
  new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) =>
    request(url, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
      );
    })
      .on('error', reject)
      .end(),
  );
