import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import type { Persistence } from '../persistence/persistence';
import type { SelfMetrics } from '../state';
import type { StoreRenderer } from '../store/render';
import { HttpError } from './http-error';

const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';
const SCRAPE_BATCH_CHARS = 256 * 1024;

/** GET /metrics: up to date with other processes, expired groups dropped, streamed (gzip when asked). */
export function scrapeHandler({
  persistence,
  renderer,
  metrics,
}: {
  persistence: Persistence;
  renderer: StoreRenderer;
  metrics: SelfMetrics;
}) {
  return async function handleScrape(req: IncomingMessage, res: ServerResponse) {
    const problem = persistence.readyProblem();
    if (problem) throw new HttpError(503, `not serving: ${problem}`);
    await persistence.sync();
    await persistence.expire(Date.now());
    const chunks = renderer.render();
    chunks.push(await metrics.registry.metrics());
    const gzipped = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    res.writeHead(200, { 'Content-Type': EXPOSITION, ...(gzipped ? { 'Content-Encoding': 'gzip' } : {}) });
    const out = gzipped ? zlib.createGzip({ level: 1 }) : res;
    if (gzipped) out.pipe(res);
    const closed = new Promise((resolve) => res.once('close', resolve));
    // Batches of about 256 KiB: a large scrape is never held in memory as one string or buffer.
    let batch: string[] = [];
    let size = 0;
    for (let i = 0; i <= chunks.length; i++) {
      const chunk = chunks[i];
      if (chunk !== undefined) {
        batch.push(chunk);
        size += chunk.length;
      }
      if (size < SCRAPE_BATCH_CHARS && chunk !== undefined) continue;
      if (!out.write(batch.join(''))) await Promise.race([once(out, 'drain'), closed]);
      if (res.destroyed) return void out.destroy(); // the scraper went away
      batch = [];
      size = 0;
    }
    out.end();
  };
}
