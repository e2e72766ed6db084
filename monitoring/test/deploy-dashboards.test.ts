import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../src/grafana/dashboards';

const monitoringDir = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'glsa_test_token_0123456789abcdef';

interface Request {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | undefined;
}

/**
 * A stand-in for Grafana's HTTP API (Folders and Dashboards: /api/folders, /api/dashboards/db)
 * that answers as Grafana does and refuses requests of the wrong shape.
 */
async function fakeGrafana({ folderExists = false, acceptToken = TOKEN } = {}) {
  const requests: Request[] = [];
  const versions = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const body = text ? JSON.parse(text) : undefined;
      const path = req.url ?? '';
      requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== `Bearer ${acceptToken}`)
        return send(401, { message: 'invalid API key' });
      if (req.method === 'GET' && path === '/api/folders/brainbytes')
        return folderExists
          ? send(200, { uid: 'brainbytes', title: 'BrainBytes' })
          : send(404, { message: 'folder not found' });
      if (req.method === 'POST' && path === '/api/folders') {
        if (req.headers['content-type'] !== 'application/json') return send(415, { message: 'content type' });
        return send(200, { uid: body.uid, title: body.title, id: 7 });
      }
      if (req.method === 'POST' && path === '/api/dashboards/db') {
        const d = body?.dashboard;
        if (
          req.headers['content-type'] !== 'application/json' ||
          !d?.uid ||
          !d?.title ||
          d.id !== null ||
          !Array.isArray(d.panels)
        )
          return send(400, { message: 'bad dashboard' });
        if (body.overwrite !== true || body.folderUid !== 'brainbytes')
          return send(412, { status: 'version-mismatch' });
        const version = (versions.get(d.uid) ?? 0) + 1;
        versions.set(d.uid, version);
        return send(200, { id: 1, uid: d.uid, url: `/d/${d.uid}/x`, status: 'success', version, slug: 'x' });
      }
      send(404, { message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise((r) => server.close(r)) };
}

function deploy(env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/deploy-dashboards.ts'],
      { cwd: monitoringDir, env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

let grafana: Awaited<ReturnType<typeof fakeGrafana>>;
afterEach(() => grafana?.close());

describe('npm run dashboards:deploy', () => {
  it('creates the folder and saves the five dashboards with a Bearer token, showing progress', async () => {
    grafana = await fakeGrafana();
    const { code, stdout } = await deploy({ GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN });
    expect(code).toBe(0);
    expect(stdout).toContain('created folder "BrainBytes"');
    expect(stdout).toContain('[5/5]');
    expect(stdout).toContain('done: 5 dashboards saved');
    expect(stdout).not.toContain(TOKEN);
    const saves = grafana.requests.filter((r) => r.path === '/api/dashboards/db');
    expect(saves.map((r) => (r.body?.dashboard as { uid: string } | undefined)?.uid).sort()).toEqual(
      Object.values(DASHBOARDS)
        .map((d) => d.uid)
        .sort(),
    );
    expect(grafana.requests[0]).toMatchObject({ method: 'GET', path: '/api/folders/brainbytes' });
    expect(grafana.requests[1]?.body).toEqual({ uid: 'brainbytes', title: 'BrainBytes' });
  });

  it('points the panels at hosted Grafana’s datasource when GRAFANA_DATASOURCE_UID is set', async () => {
    grafana = await fakeGrafana({ folderExists: true });
    const { code } = await deploy({
      GRAFANA_URL: grafana.url,
      GRAFANA_TOKEN: TOKEN,
      GRAFANA_DATASOURCE_UID: 'grafanacloud-prom',
    });
    expect(code).toBe(0);
    const sent = JSON.stringify(
      grafana.requests.filter((r) => r.path === '/api/dashboards/db').map((r) => r.body),
    );
    expect(sent).toContain('"uid":"grafanacloud-prom"');
    expect(sent).not.toContain('brainbytes-prometheus');
    expect(grafana.requests.some((r) => r.path === '/api/folders' && r.method === 'POST')).toBe(false);
  });

  it('says what to do when the token is refused, without printing it', async () => {
    grafana = await fakeGrafana({ acceptToken: 'another' });
    const { code, stderr } = await deploy({ GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN });
    expect(code).toBe(1);
    expect(stderr).toContain('Grafana refused GRAFANA_TOKEN (401)');
    expect(stderr).toContain('Editor role');
    expect(stderr).not.toContain(TOKEN);
  });

  it('names the missing variable', async () => {
    const { code, stderr } = await deploy({ GRAFANA_URL: 'http://127.0.0.1:1' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/GRAFANA_TOKEN \(or GRAFANA_TOKEN_FILE\) must hold/);
  });
});
