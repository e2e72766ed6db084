import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { PROTOBUF_EXPOSITION, prefersProtobuf, textToProtobuf } from '../exposition/protobuf-exposition';
import type { Persistence } from '../persistence/persistence';
import type { SelfMetrics } from '../state';
import type { StoreRenderer } from '../store/render';
import { HttpError } from './http-error';

const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';
const SCRAPE_BATCH_CHARS = 256 * 1024;

function* protobufPieces(renderer: StoreRenderer, own: string): Generator<Uint8Array> {
  yield* renderer.renderProtobuf();
  yield* textToProtobuf(own);
}

/**
 * GET /metrics: up to date with other processes, expired groups dropped, streamed (gzip when
 * asked); the protobuf exposition, native histograms included, to a scraper that prefers it.
 */
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
    const binary = prefersProtobuf(String(req.headers.accept ?? ''));
    const own = await metrics.registry.metrics();
    const gzipped = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    res.writeHead(200, {
      'Content-Type': binary ? PROTOBUF_EXPOSITION : EXPOSITION,
      ...(gzipped ? { 'Content-Encoding': 'gzip' } : {}),
    });
    const out = gzipped ? zlib.createGzip({ level: 1 }) : res;
    if (gzipped) out.pipe(res);
    const closed = new Promise((resolve) => res.once('close', resolve));
    // Batches of about 256 KiB: a large scrape is never held in memory as one string or buffer.
    const pieces = binary ? protobufPieces(renderer, own) : [...renderer.render(), own];
    let batch: Array<string | Uint8Array> = [];
    let size = 0;
    const flush = async () => {
      const data = binary ? Buffer.concat(batch as Uint8Array[]) : batch.join('');
      batch = [];
      size = 0;
      if (!out.write(data)) await Promise.race([once(out, 'drain'), closed]);
    };
    for (const piece of pieces) {
      batch.push(piece);
      size += piece.length;
      if (size < SCRAPE_BATCH_CHARS) continue;
      await flush();
      if (res.destroyed) return void out.destroy(); // the scraper went away
    }
    if (batch.length) await flush();
    out.end();
  };
}
