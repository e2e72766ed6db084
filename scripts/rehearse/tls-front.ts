/**
 * A TLS front for the rehearsal, as Heroku's router is for an app with HTTPS: one port that
 * answers TLS with a certificate from a CA of its own (the Prometheus dyno trusts it through
 * BLACKBOX_CA_FILE) and redirects plain HTTP to HTTPS, forwarding every request to the app
 * behind it. Its certificate can be swapped while it runs: a scenario makes it one that expires
 * in 2 days.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Readable } from 'node:stream';
import { testCa } from '@brainbytes/testkit/tls';

export interface TlsFront {
  url: string;
  caFile: string;
  /** Serves a certificate valid for `days` from now, signed by the front's CA. */
  useCertificate(days: number): void;
  close(): Promise<void>;
}

export async function startTlsFront(dir: string, backend: string): Promise<TlsFront> {
  const ca = testCa(dir, 'BrainBytes rehearsal CA');
  const read = (c: { key: string; cert: string }) => ({
    key: readFileSync(c.key),
    cert: readFileSync(c.cert),
  });
  const forward = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    try {
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req);
      const answer = await fetch(`${backend}${req.url}`, {
        method: req.method,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && k !== 'host'),
        ) as Record<string, string>,
        ...(body ? { body: body as ReadableStream, duplex: 'half' } : {}),
        redirect: 'manual',
      } as RequestInit);
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      res.writeHead(502).end('the app behind the front is not answering');
    }
  };
  const tls = https.createServer(read(ca.issue(90)), (req, res) => void forward(req, res));
  let port = 0;
  const plain = http.createServer((req, res) => {
    res.writeHead(301, { Location: `https://127.0.0.1:${port}${req.url}` }).end();
  });
  const listen = (server: net.Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
    );
  const inner = { tls: await listen(tls), plain: await listen(plain) };
  // One public port: a TLS handshake starts with 0x16 and goes to the TLS server, anything else
  // (plain HTTP) to the redirect; the first bytes are passed on, then the two sockets are joined.
  const open = new Set<net.Socket>();
  const front = net.createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.once('data', (first) => {
      const upstream = net.connect(first[0] === 0x16 ? inner.tls : inner.plain, '127.0.0.1', () => {
        upstream.write(first);
        socket.pipe(upstream).pipe(socket);
      });
      const drop = () => {
        socket.destroy();
        upstream.destroy();
      };
      upstream.on('error', drop);
      socket.on('error', drop);
    });
  });
  port = await listen(front);
  return {
    url: `https://127.0.0.1:${port}`,
    caFile: ca.caFile,
    useCertificate: (days) => tls.setSecureContext(read(ca.issue(days))),
    close: async () => {
      // Probers keep idle connections open: end every one, or close() would wait for them for ever.
      for (const socket of open) socket.destroy();
      tls.closeAllConnections();
      plain.closeAllConnections();
      await Promise.all(
        [front, tls, plain].map((server) => new Promise<void>((r) => server.close(() => r()))),
      );
    },
  };
}
