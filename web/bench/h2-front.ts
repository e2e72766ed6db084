import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Headers HTTP/2 forbids (RFC 9113 §8.2.2): HTTP/1.1's connection management. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

function selfSignedCertificate() {
  const dir = mkdtempSync(join(tmpdir(), 'bb-h2-'));
  try {
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
        ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1'],
        ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch (error) {
    throw new Error(
      `openssl could not make a certificate for the HTTP/2 front (${(error as Error).message}): apt-get install openssl`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a phone talks to in production: TLS and HTTP/2 at the edge (Heroku's Router 2.0, CloudFront
 * before API Gateway), HTTP/1.1 from there to the app. `wireBytes()` is every byte both ways on the
 * phone's connections as TCP carries them: TLS records, HTTP/2 frames, HPACK-compressed headers.
 */
export async function startH2Front(target: string) {
  const origin = new URL(target);
  const certificate = selfSignedCertificate();
  const server = http2.createSecureServer({ ...certificate, allowHTTP1: false });
  const sockets = new Set<Socket>();
  const closed = { up: 0, down: 0 };
  let baseline = { up: 0, down: 0 };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      closed.up += socket.bytesRead;
      closed.down += socket.bytesWritten;
      sockets.delete(socket);
    });
  });
  /** Bytes on the phone's connections since the front started: `up` from the phone, `down` to it. */
  const carried = () =>
    [...sockets].reduce((n, s) => ({ up: n.up + s.bytesRead, down: n.down + s.bytesWritten }), { ...closed });
  server.on('stream', (stream, headers) => {
    const forward: Record<string, string | string[]> = { host: String(headers[':authority']) };
    for (const [k, v] of Object.entries(headers)) if (!k.startsWith(':') && v !== undefined) forward[k] = v;
    const upstream = http.request(
      {
        host: origin.hostname,
        port: origin.port,
        method: headers[':method'],
        path: headers[':path'],
        headers: forward,
      },
      (res) => {
        const back: IncomingHttpHeaders = {};
        for (const [k, v] of Object.entries(res.headers)) if (!HOP_BY_HOP.has(k)) back[k] = v;
        if (stream.destroyed) return res.resume();
        // As Heroku's Router 2.0 does, it names itself on every response.
        stream.respond({ ...back, ':status': res.statusCode ?? 502, via: '2.0 heroku-router' });
        res.pipe(stream);
      },
    );
    upstream.on('error', () => stream.destroyed || stream.respond({ ':status': 502 }, { endStream: true }));
    stream.on('error', () => upstream.destroy());
    stream.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /**
     * The certificate's public key hash, for Chromium's `--ignore-certificate-errors-spki-list`: a
     * browser that trusts the front keeps its responses in its HTTP cache, as a phone does a real
     * site's (with `--ignore-certificate-errors` it keeps none, and a service worker's fetches from
     * the cache download again).
     */
    spki: createHash('sha256')
      .update(new X509Certificate(certificate.cert).publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64'),
    wireBytes: () => {
      const { up, down } = carried();
      return up + down;
    },
    /** As a TCP proxy counts (`@brainbytes/testkit/tcp-proxy`): since the start or `resetBytes()`. */
    bytes: () => {
      const { up, down } = carried();
      return { up: up - baseline.up, down: down - baseline.down };
    },
    resetBytes: () => {
      baseline = carried();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
