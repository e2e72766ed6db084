import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlinePack } from '../server/offline-pack';
import { assetsOf, PACK_PATH, type PackPart, parsePack, STATIC_PREFIX } from '../worker/pack';
import { type RunningProcess, raw, startWeb, webDir } from './stack';

/**
 * The offline pack (server/offline-pack.ts, worker/pack.ts): the study pages a new service worker
 * keeps and the scripts they run, in one response. The browser's side (the worker keeping it and
 * the pages opening offline) is in phone-offline.test.ts.
 */
let web: RunningProcess;
beforeAll(async () => {
  // The pages render without the API (what is a student's loads after, in the browser).
  web = await startWeb({ BRAINBYTES_API_URL: 'http://127.0.0.1:9', API_PROXY_SECRET: 'not-used-here' });
}, 120_000);
afterAll(() => web?.stop());

/** An answer of the web server as it crosses the wire. */
const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  raw(`${web.url}${path}`, headers, method);

const BROWSER = { 'Accept-Encoding': 'gzip, deflate, br, zstd' };
const packOf = (answer: { headers: IncomingHttpHeaders; body: Buffer }) =>
  parsePack(answer.headers['content-type'] ?? '', brotliDecompressSync(answer.body).toString());
const header = (part: PackPart | undefined, name: string) => part?.headers.find(([n]) => n === name)?.[1];
const query = (pages: string[], have: string[] = []) =>
  `${PACK_PATH}?${[...pages.map((p) => `page=${p}`), ...have.map((h) => `have=${h.slice(STATIC_PREFIX.length)}`)].join('&')}`;

describe('the offline pack', () => {
  it('holds the pages asked, as a GET of each gives them, and the scripts they run that are not named in have', async () => {
    const ask = (await get('/ask', { Cookie: 'bb.lang=en' })).body.toString();
    const have = assetsOf(ask);
    const answer = await get(query(['/sessions', '/subjects'], have), { ...BROWSER, Cookie: 'bb.lang=en' });
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'content-encoding': 'br',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    expect(answer.headers['content-type']).toMatch(/^multipart\/mixed; boundary=bb-pack-[0-9a-f]{24}$/);
    const parts = packOf(answer);
    const wanted = new Set<string>();
    for (const path of ['/sessions', '/subjects']) {
      const page = await get(path, { Cookie: 'bb.lang=en' });
      const part = parts.get(path);
      expect(part?.body, path).toBe(page.body.toString());
      // The page's own headers, not those of its trip on the loopback.
      for (const name of [
        'content-type',
        'content-security-policy',
        'cache-control',
        'strict-transport-security',
      ])
        expect(header(part, name), `${path} ${name}`).toBe(page.headers[name]);
      for (const name of ['date', 'content-length', 'connection', 'transfer-encoding', 'set-cookie'])
        expect(header(part, name), `${path} ${name}`).toBeUndefined();
      for (const asset of assetsOf(page.body.toString())) if (!have.includes(asset)) wanted.add(asset);
    }
    expect(wanted.size).toBeGreaterThan(0);
    expect(new Set([...parts.keys()].filter((p) => p.startsWith(STATIC_PREFIX)))).toEqual(wanted);
    for (const asset of wanted) {
      const file = readFileSync(join(webDir, '.next', asset.slice('/_next/'.length)));
      expect(parts.get(asset)?.body, asset).toBe(file.toString());
      expect(header(parts.get(asset), 'content-type'), asset).toBe('application/javascript; charset=UTF-8');
      expect(header(parts.get(asset), 'cache-control'), asset).toBe('public, max-age=31536000, immutable');
    }
    // Without have, every script the pages run, and each once.
    const whole = packOf(await get(query(['/sessions', '/sessions', '/subjects']), BROWSER));
    expect([...whole.keys()].filter((p) => p.startsWith(STATIC_PREFIX)).length).toBeGreaterThan(wanted.size);
    expect([...whole.keys()].filter((p) => p === '/sessions')).toHaveLength(1);
  });

  it('costs a first visit fewer bytes than the same pages and scripts downloaded one by one', async () => {
    const have = assetsOf((await get('/ask')).body.toString());
    const pack = await get(query(['/sessions', '/subjects'], have), BROWSER);
    let oneByOne = 0;
    for (const path of packOf(pack).keys()) {
      const alone = await get(path, BROWSER);
      expect(alone.headers['content-encoding'], path).toBe('br');
      oneByOne += alone.body.length;
    }
    // Measured: 8.4 kB where one by one the bodies alone took 12.6 kB (and four responses' headers).
    expect(pack.body.length / oneByOne).toBeLessThan(0.75);
  });

  it('renders the pages in the language of the bb.lang cookie, else of Accept-Language', async () => {
    const lang = async (headers: Record<string, string>) =>
      /<html lang="([^"]+)"/.exec(
        packOf(await get(query(['/subjects']), { ...BROWSER, ...headers })).get('/subjects')?.body ?? '',
      )?.[1];
    expect(await lang({ Cookie: 'bb.lang=fil' })).toBe('fil');
    expect(await lang({ 'Accept-Language': 'tl-PH,tl;q=0.9' })).toBe('fil');
    expect(await lang({ Cookie: 'other=1; bb.lang=en', 'Accept-Language': 'fil' })).toBe('en');
    expect(await lang({})).toBe('en');
  });

  it('is gzip for a browser without brotli, and plain for one with neither', async () => {
    const gz = await get(query(['/ask']), { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await get(query(['/ask']), { 'Accept-Encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(gz.body).length).toBe(plain.body.length);
    const parts = parsePack(plain.headers['content-type'] ?? '', plain.body.toString());
    expect(parts.get('/ask')?.body).toContain('<meta name="bb-build"');
    const head = await get(query(['/ask']), BROWSER, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('refuses what it does not pack with a 400 naming it, and methods other than GET with a 405', async () => {
    const refused = async (path: string, method = 'GET') => {
      const answer = await get(path, BROWSER, method);
      return { status: answer.status, error: JSON.parse(answer.body.toString()).error as string };
    };
    expect(await refused(PACK_PATH)).toEqual({ status: 400, error: expect.stringContaining('name a page') });
    expect(await refused(`${PACK_PATH}?page=/login`)).toEqual({
      status: 400,
      error: 'page "/login" is not packed: the pages are /ask, /sessions, /subjects',
    });
    expect(await refused(`${PACK_PATH}?page=/api/sessions`)).toMatchObject({ status: 400 });
    expect(await refused(`${PACK_PATH}?page=/ask&lang=fil`)).toEqual({
      status: 400,
      error: 'unknown parameter "lang": use page and have',
    });
    for (const have of ['../../BUILD_ID', '/etc/passwd', 'chunks/a.js%00', 'x'.repeat(201)])
      expect(await refused(`${PACK_PATH}?page=/ask&have=${have}`), have).toMatchObject({
        status: 400,
        error: expect.stringContaining('is not a script'),
      });
    const many = Array.from({ length: 65 }, (_, i) => `have=chunks/${i}.js`).join('&');
    expect(await refused(`${PACK_PATH}?page=/ask&${many}`)).toEqual({
      status: 400,
      error: '65 scripts named in have: at most 64',
    });
    const post = await get(`${PACK_PATH}?page=/ask`, BROWSER, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});

describe('a burst of first visits', () => {
  it('renders each page once per language, sends every phone the same pack, and renders again after a failure', async () => {
    // The handler on its own, before a stand-in for the app's pages that counts what it renders.
    const staticDir = mkdtempSync(join(tmpdir(), 'bb-pack-static-'));
    mkdirSync(join(staticDir, 'chunks'));
    writeFileSync(join(staticDir, 'chunks', 'a.js'), 'console.log("a");'.repeat(100));
    const rendered: string[] = [];
    const failing = new Set<string>();
    const pages = createServer((req, res) => {
      rendered.push(`${req.url} ${req.headers.cookie}`);
      setTimeout(() => {
        res.writeHead(failing.has(req.url ?? '') ? 500 : 200, { 'Content-Type': 'text/html' });
        res.end(
          `<html lang="${req.headers.cookie?.slice(8)}"><script src="/_next/static/chunks/a.js"></script></html>`,
        );
      }, 50);
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    const port = (pages.address() as AddressInfo).port;
    const handler = offlinePack({
      origin: () => ({ host: '127.0.0.1', port }),
      staticDir,
      brotliQuality: 11,
    });
    const front = createServer((req, res) => handler(req, res) || res.writeHead(404).end());
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const ask = (headers: Record<string, string> = {}) =>
      raw(`http://127.0.0.1:${(front.address() as AddressInfo).port}${query(['/sessions', '/subjects'])}`, {
        ...BROWSER,
        ...headers,
      });
    try {
      const phones = await Promise.all(Array.from({ length: 12 }, () => ask()));
      for (const phone of phones) expect(phone.body.equals(phones[0]!.body)).toBe(true);
      expect(packOf(phones[0]!).get('/_next/static/chunks/a.js')?.body).toBe('console.log("a");'.repeat(100));
      expect(rendered.sort()).toEqual(['/sessions bb.lang=en', '/subjects bb.lang=en']);
      expect((await ask()).body.equals(phones[0]!.body)).toBe(true);
      expect(rendered).toHaveLength(2);
      // Another language is another page; one that fails is not kept: 502, and the next phone's
      // pack renders it again (the other page, rendered fine, is used again).
      failing.add('/sessions');
      const failed = await ask({ Cookie: 'bb.lang=fil' });
      expect(failed.status).toBe(502);
      expect(JSON.parse(failed.body.toString()).error).toBe(
        'could not make the pack: /sessions answered 500; the worker fetches the pages one by one',
      );
      failing.clear();
      const fil = packOf(await ask({ Cookie: 'bb.lang=fil' }));
      expect(fil.get('/sessions')?.body).toContain('lang="fil"');
      expect(rendered.slice(2).sort()).toEqual([
        '/sessions bb.lang=fil',
        '/sessions bb.lang=fil',
        '/subjects bb.lang=fil',
      ]);
    } finally {
      front.close();
      pages.close();
    }
  });
});

describe('reading a pack', () => {
  const TYPE = 'multipart/mixed; boundary=b1';
  const PACK =
    '--b1\r\nContent-Location: /a\r\nContent-Type: text/plain\r\n\r\none\r\n--b1\r\nContent-Location: /b\r\n\r\n\r\ntwo\r\n\r\n--b1--\r\n';

  it('gives each part by its Content-Location, with its headers and its body to the byte', () => {
    const parts = parsePack(TYPE, PACK);
    expect([...parts.keys()]).toEqual(['/a', '/b']);
    expect(parts.get('/a')).toEqual({
      headers: [
        ['content-location', '/a'],
        ['content-type', 'text/plain'],
      ],
      body: 'one',
    });
    expect(parts.get('/b')?.body).toBe('\r\ntwo\r\n');
  });

  it('keeps nothing of a pack cut short or that is not one', () => {
    for (const end of [PACK.length - 3, PACK.indexOf('two'), 10])
      expect(() => parsePack(TYPE, PACK.slice(0, end)), String(end)).toThrow(/cut short/);
    expect(() => parsePack('text/html', PACK)).toThrow(/not a pack/);
    expect(() => parsePack('multipart/mixed', PACK)).toThrow(/not a pack/);
    expect(() => parsePack(TYPE, '--b1\r\nno headers here\r\n--b1--\r\n')).toThrow(/no headers|bad header/);
    expect(() => parsePack(TYPE, '--b1\r\nContent-Type: text/plain\r\n\r\nx\r\n--b1--\r\n')).toThrow(
      /no Content-Location/,
    );
  });
});
