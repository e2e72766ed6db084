import { createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of one port, for putting one client of a shared server (a gateway process
 * in front of Redis) on a bad network of its own: `stall()` holds its bytes in both directions,
 * `refuse()` drops its connections and refuses new ones, `open()` lets everything through again.
 */
export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  stall(): void;
  refuse(): void;
  open(): void;
  close(): Promise<void>;
}

type Mode = 'open' | 'stalled' | 'refused';

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let mode: Mode = 'open';
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    if (mode === 'refused') {
      client.destroy();
      return;
    }
    const upstream = new (client.constructor as typeof Socket)();
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of pair) {
      s.on('error', drop);
      s.on('close', drop);
    }
    upstream.connect(targetPort, '127.0.0.1');
    client.pipe(upstream);
    upstream.pipe(client);
    if (mode === 'stalled') for (const s of pair) s.pause();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the proxy has no port');
  const each = (f: (s: Socket) => void) => {
    for (const pair of pairs) for (const s of pair) f(s);
  };
  return {
    port: address.port,
    stall() {
      mode = 'stalled';
      each((s) => s.pause());
    },
    refuse() {
      mode = 'refused';
      each((s) => s.destroy());
      pairs.clear();
    },
    open() {
      mode = 'open';
      each((s) => s.resume());
    },
    async close() {
      mode = 'refused';
      each((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
