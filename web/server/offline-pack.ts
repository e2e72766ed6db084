import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { LANGUAGE_COOKIE, languageOf } from '../lib/i18n';
import { assetsOf, PACK_HAVE_MAX, PACK_PATH, STATIC_PREFIX, STUDY_PAGES } from '../worker/pack';
import { Kept } from './kept';
import { acceptsCoding } from './precompressed';

/**
 * `GET /offline-pack?page=/sessions&page=/subjects&have=chunks/a.js`: the study pages a new service
 * worker keeps, and the scripts they run that it has not kept yet (`have`), in one multipart/mixed
 * response (worker/pack.ts says why and how). The pages are this server's own, rendered for the
 * student's language only (as the worker would have fetched them: a page holds nothing else of a
 * student's); the scripts are the build's files.
 *
 * A page in one language is the same for every student, and so is a pack: the pages are rendered
 * once a minute at most (a burst of new phones after a class costs a render per page and language,
 * not per phone), and a pack as sent is kept by what it holds, so it is compressed once, at
 * brotli's best.
 */

/** What a pack request may name; beyond it the answer is 400. */
export const PACK_LIMITS = { have: PACK_HAVE_MAX, haveLength: 200 };
/** A page longer than this is not packed (ours are ≈20 kB): the server answers 502. */
const PAGE_MAX_BYTES = 2 * 1024 * 1024;
const PAGE_TIMEOUT_MS = 10_000;
/** How long a rendered page is used again; what is kept, at most (3 pages × 2 languages ≈ 130 kB). */
const PAGE_REUSE_MS = 60_000;
const PAGES_KEPT_BYTES = 1024 * 1024;
/** Packs as sent, at most (one is ≈8 kB: the pages not open at a first visit, in one language). */
const PACKS_KEPT_BYTES = 1024 * 1024;
/** Headers a page's part does not carry: they are of its response on the loopback, not of the page. */
const NOT_OF_THE_PAGE = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'date',
  'content-length',
  'content-encoding',
  'vary',
  'set-cookie',
]);
const SCRIPT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=UTF-8',
  '.css': 'text/css; charset=UTF-8',
};
const HAVE = /^[A-Za-z0-9_-][A-Za-z0-9_.\-/]*$/;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

interface Part {
  location: string;
  headers: [string, string][];
  body: Buffer;
}

class BadPack extends Error {}

/** The pages and the scripts `have` does not name, as the query asks; throws BadPack for a bad query. */
function readQuery(url: URL) {
  for (const key of new Set(url.searchParams.keys()))
    if (key !== 'page' && key !== 'have') throw new BadPack(`unknown parameter "${key}": use page and have`);
  const pages = [...new Set(url.searchParams.getAll('page'))];
  if (!pages.length) throw new BadPack(`name a page to pack: page=${STUDY_PAGES.join(', ')}`);
  for (const page of pages)
    if (!STUDY_PAGES.includes(page))
      throw new BadPack(`page "${page.slice(0, 50)}" is not packed: the pages are ${STUDY_PAGES.join(', ')}`);
  const have = url.searchParams.getAll('have');
  if (have.length > PACK_LIMITS.have)
    throw new BadPack(`${have.length} scripts named in have: at most ${PACK_LIMITS.have}`);
  for (const name of have)
    if (name.length > PACK_LIMITS.haveLength || !HAVE.test(name) || name.includes('..'))
      throw new BadPack(`have "${name.slice(0, 50)}" is not a script's path under ${STATIC_PREFIX}`);
  return { pages, have: new Set(have.map((name) => `${STATIC_PREFIX}${name}`)) };
}

/** `path` as this server renders it for `language`, asked on the loopback. */
function renderPage(origin: { host: string; port: number }, path: string, language: string): Promise<Part> {
  return new Promise((resolve, reject) => {
    const asked = request(
      {
        ...origin,
        path,
        headers: {
          Accept: 'text/html',
          'Accept-Encoding': 'identity',
          Cookie: `${LANGUAGE_COOKIE}=${language}`,
        },
        timeout: PAGE_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > PAGE_MAX_BYTES) asked.destroy(new Error(`${path} is over ${PAGE_MAX_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`${path} answered ${res.statusCode}`));
          const headers = Object.entries(res.headers).flatMap(([name, value]) =>
            NOT_OF_THE_PAGE.has(name) || value === undefined
              ? []
              : [[name, Array.isArray(value) ? value.join(', ') : value] as [string, string]],
          );
          resolve({ location: path, headers, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      },
    );
    asked.on('timeout', () => asked.destroy(new Error(`${path} took over ${PAGE_TIMEOUT_MS} ms`)));
    asked.on('error', reject);
    asked.end();
  });
}

/** A script or stylesheet of the build, or null when the build has no such file. */
async function readAsset(staticDir: string, path: string): Promise<Part | null> {
  const type = SCRIPT_TYPES[path.slice(path.lastIndexOf('.'))];
  const file = normalize(join(staticDir, path.slice(STATIC_PREFIX.length)));
  if (!type || !file.startsWith(staticDir + sep)) return null;
  const body = await readFile(file).catch(() => null);
  if (!body) return null;
  return {
    location: path,
    headers: [
      ['content-type', type],
      ['cache-control', 'public, max-age=31536000, immutable'],
      ['x-content-type-options', 'nosniff'],
    ],
    body,
  };
}

/**
 * The parts as one multipart/mixed body. Its boundary names what the parts hold (a hash of them), so
 * the same parts make the same body, and none of them holds it.
 */
function multipart(parts: Part[]): { boundary: string; body: Buffer } {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part.location).update(JSON.stringify(part.headers)).update(part.body);
  const digest = hash.digest('hex');
  let boundary = `bb-pack-${digest.slice(0, 24)}`;
  for (let n = 1; parts.some((part) => part.body.includes(boundary)); n++)
    boundary = `bb-pack-${digest.slice(0, 24)}-${n}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head = [`Content-Location: ${part.location}`, ...part.headers.map(([n, v]) => `${n}: ${v}`)];
    chunks.push(Buffer.from(`--${boundary}\r\n${head.join('\r\n')}\r\n\r\n`), part.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { boundary, body: Buffer.concat(chunks) };
}

function refuse(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify({ error }));
}

/**
 * The handler: answers a request for PACK_PATH and returns true; returns false, having sent nothing,
 * for any other path. `origin` is where this server listens (its pages are asked there);
 * `staticDir` is the build's `.next/static`.
 */
export function offlinePack({
  origin,
  staticDir,
  brotliQuality,
}: {
  origin: () => { host: string; port: number };
  staticDir: string;
  brotliQuality: number;
}) {
  const renders = new Kept<Part>({
    maxBytes: PAGES_KEPT_BYTES,
    ttlMs: PAGE_REUSE_MS,
    bytesOf: (part) => part.body.length,
  });
  const packs = new Kept<Buffer>({ maxBytes: PACKS_KEPT_BYTES, ttlMs: Infinity, bytesOf: (b) => b.length });

  async function answer(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return refuse(res, 405, `${PACK_PATH} answers GET`, { Allow: 'GET, HEAD' });
    let query: ReturnType<typeof readQuery>;
    try {
      query = readQuery(url);
    } catch (error) {
      if (error instanceof BadPack) return refuse(res, 400, error.message);
      throw error;
    }
    const cookie = (req.headers.cookie ?? '')
      .split(';')
      .map((pair) => pair.trim().split('='))
      .find(([name]) => name === LANGUAGE_COOKIE)?.[1];
    const language = languageOf(cookie, req.headers['accept-language']);
    const pages = await Promise.all(
      query.pages.map((path) =>
        renders.get(`${path} ${language}`, () => renderPage(origin(), path, language)),
      ),
    );
    const wanted = [...new Set(pages.flatMap((page) => assetsOf(page.body.toString('utf8'))))].filter(
      (path) => !query.have.has(path),
    );
    const assets = (await Promise.all(wanted.map((path) => readAsset(staticDir, path)))).filter(
      (part): part is Part => part !== null,
    );
    const { boundary, body } = multipart([...pages, ...assets]);
    const coding = acceptsCoding(req.headers['accept-encoding'], 'br')
      ? 'br'
      : acceptsCoding(req.headers['accept-encoding'], 'gzip')
        ? 'gzip'
        : undefined;
    const compress =
      coding === 'br'
        ? () =>
            brotli(body, {
              params: {
                [zlib.constants.BROTLI_PARAM_QUALITY]: brotliQuality,
                [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
                [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
              },
            })
        : coding === 'gzip'
          ? () => gzip(body, { level: zlib.constants.Z_BEST_COMPRESSION })
          : undefined;
    // Kept as sent when compressed (the rare browser with neither coding gets the body as it is).
    const sent = compress ? await packs.get(`${boundary} ${coding}`, compress) : body;
    res.writeHead(200, {
      'Content-Type': `multipart/mixed; boundary=${boundary}`,
      ...(coding ? { 'Content-Encoding': coding } : {}),
      'Content-Length': sent.length,
      'Cache-Control': 'no-store',
      Vary: 'Accept-Encoding, Accept-Language, Cookie',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : sent);
  }

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!req.url?.startsWith(PACK_PATH)) return false;
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname !== PACK_PATH) return false;
    answer(req, res, url).catch((error: Error) => {
      if (res.headersSent) res.destroy();
      else
        refuse(
          res,
          502,
          `could not make the pack: ${error.message}; the worker fetches the pages one by one`,
        );
    });
    return true;
  };
}
