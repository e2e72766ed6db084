/**
 * The web app's server (`npm start -w web`, the `web` dyno, the container): Next's own request
 * handler, and the compression in front of it, ours rather than Next's (which has only gzip):
 * - this build's scripts and stylesheet in brotli made once at build time (server/precompressed.ts);
 * - pages, the worker and /api answers in brotli at quality 5 as they stream (0.4 ms for a page, 10 %
 *   fewer bytes than gzip: /sessions 4.1 → 3.7 kB), gzip for a browser without brotli, each
 *   flushed without losing its window (server/sync-flush.ts).
 *
 * WEB_PORT, else Heroku's PORT, else 3001; WEB_HOST, else every interface on a dyno and loopback
 * elsewhere (as the API). SIGTERM or SIGINT: no new connections, the requests under way finish.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { configOrExit } from '@brainbytes/telemetry/service/config-error';
import { KEEP_ALIVE_TIMEOUT_MS } from '@brainbytes/telemetry/service/http-server';
import { hostSetting, portSetting } from '@brainbytes/telemetry/service/settings';
import { onStopSignal } from '@brainbytes/telemetry/service/stop-signals';
import compression from 'compression';
import next from 'next';
import { offlinePack } from './offline-pack';
import { loadPrecompressed, servePrecompressed } from './precompressed';
import { keepWindowOnFlush } from './sync-flush';

/**
 * Brotli's quality for what is compressed as it is sent: for a page 6 and 7 gain nothing and 8
 * takes 6× the time for 0.3 % less. Memory per response under way, measured over 200 at once: 150
 * KiB at 5, 596 KiB at 4 (another match finder), 230 KiB for gzip.
 */
const STREAM_BROTLI_QUALITY = 5;

/**
 * The offline pack's (server/offline-pack.ts): made once per build, language and scripts the phone
 * lacks, then kept as sent. For a first visit's pack (57 kB) quality 11 takes it to 7.7 kB where 5
 * makes 8.4 kB; it costs 28 ms of the thread pool against 2 ms, once.
 */
const PACK_BROTLI_QUALITY = 11;

/** Where this server answers itself: on the loopback when it listens on every interface. */
const loopback = ({ address, port }: AddressInfo) => ({
  host: address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address,
  port,
});

/** Inside Heroku's 30 s between SIGTERM and SIGKILL: what is still open after this is cut. */
const CLOSE_GRACE_MS = 20_000;

async function main() {
  // A setting that cannot be used: exit 2 and one line naming it, as every process here.
  const { port, hostname } = configOrExit('web', () => ({
    port: portSetting(process.env, 'WEB_PORT', 3001),
    hostname: hostSetting(process.env, 'WEB_HOST'),
  }));
  // dist/server.mjs runs from web/dist; the build is web/.next. Next reads next.config.ts's own
  // imports from the working folder: started from elsewhere (the container's /app), it moves there.
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  process.chdir(dir);
  const precompressed = loadPrecompressed(join(dir, '.next'));
  const app = next({ dev: false, dir, hostname, port, customServer: true });
  const handle = app.getRequestHandler();
  await app.prepare();
  keepWindowOnFlush();
  // Typed for Express, which it does not need: plain node:http requests and responses are what it handles.
  const compress = compression({
    brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: STREAM_BROTLI_QUALITY } },
  }) as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  const pack = offlinePack({
    origin: () => loopback(server.address() as AddressInfo),
    staticDir: join(dir, '.next', 'static'),
    brotliQuality: PACK_BROTLI_QUALITY,
  });
  const server = createServer((req, res) => {
    if (servePrecompressed(precompressed, req, res) || pack(req, res)) return;
    compress(req, res, () => void handle(req, res));
  });
  // `next start` kept Node's 5 s: Heroku's router could reuse a connection the app had just closed.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, resolve);
  });
  console.log(
    `web: listening on http://${hostname}:${port}; ${
      precompressed.missing
        ? `scripts compressed as they are sent (${precompressed.missing}: run \`npm run build -w web\`)`
        : `${precompressed.files.size} scripts and stylesheets in brotli`
    }`,
  );
  onStopSignal(() => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), CLOSE_GRACE_MS).unref();
  });
}

main().catch((error) => {
  console.error(`web: could not start: ${(error as Error).message}`);
  process.exit(1);
});
