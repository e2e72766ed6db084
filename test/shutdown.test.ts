import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitForHttp } from '@brainbytes/testkit/ports';
import { describe, expect, it } from 'vitest';
import { APP } from '../scripts/topology.mjs';

const root = path.resolve(import.meta.dirname, '..');

/** What each process needs to start here, beyond its port: its state somewhere of its own. */
const ENV: Record<keyof typeof APP, () => Record<string, string>> = {
  ai: () => ({}),
  api: () => ({ PGLITE_DIR: mkdtempSync(path.join(tmpdir(), 'bb-shutdown-')) }),
  web: () => ({}),
  pushgateway: () => ({ PUSHGATEWAY_PERSISTENCE: 'memory' }),
  'heroku-exporter': () => ({
    HEROKU_EXPORTER_STATE: path.join(mkdtempSync(path.join(tmpdir(), 'bb-shutdown-')), 'state.json'),
  }),
};

/** Whether a connection left idle for `ms` after an answer is still open. */
async function openAfterIdle(port: number, healthPath: string, ms: number) {
  const socket = connect(port, '127.0.0.1');
  let closed = false;
  socket.once('close', () => {
    closed = true;
  });
  const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.write(`GET ${healthPath} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  await answered;
  await new Promise((r) => setTimeout(r, ms));
  socket.destroy();
  return !closed;
}

describe('every process as a dyno runs it', () => {
  for (const [name, app] of Object.entries(APP) as [keyof typeof APP, (typeof APP)[keyof typeof APP]][])
    it(`${name}: keeps idle connections past 5 s (behind the router) and stops cleanly on SIGTERM sent twice`, async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [app.entry], {
        cwd: path.join(root, app.workspace),
        env: { ...process.env, LOG_LEVEL: 'warn', [app.portVariable]: String(port), ...ENV[name]() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => (output += d));
      const exited = new Promise<[number | null, string | null]>((resolve) =>
        child.once('exit', (code, signal) => resolve([code, signal])),
      );
      try {
        await waitForHttp(`http://127.0.0.1:${port}${app.health}`, 90_000);
        // Node's default is 5 s (it closed after 6 s here); Heroku's Router 2.0 keeps an idle
        // connection 90 s and may send on it. The tutor is on loopback beside the API, behind no router.
        if (name !== 'ai') expect(await openAfterIdle(port, app.health, 7_500), 'idle connection').toBe(true);
      } catch (error) {
        child.kill('SIGKILL');
        throw new Error(`${(error as Error).message}\n${output}`);
      }
      // A request under way (its headers half sent): the close waits for it, as for a student's.
      const underWay = connect(port, '127.0.0.1');
      await new Promise((r) => underWay.once('connect', r));
      underWay.write(`GET ${app.health} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
      await new Promise((r) => setTimeout(r, 100));
      // Heroku signals every process of the dyno, and scripts/heroku/web.mjs passes its own on a
      // moment later, once its own handler has run.
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      underWay.destroy();
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      expect(await exited, output).toEqual([0, null]);
      clearTimeout(timer);
    }, 150_000);
});
