import { createServer, Socket } from 'node:net';

/**
 * A TCP proxy in front of one port, for putting one client of a shared server (a gateway process
 * in front of Redis) on a bad network of its own: `stall()` holds its bytes in both directions,
 * `refuse()` drops its connections and refuses new ones, `open()` lets everything through again.
 * It counts every byte it carries each way (`bytes()`), for measuring what a client spends.
 */
export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  stall(): void;
  refuse(): void;
  open(): void;
  /** Bytes carried since the proxy started or since `resetBytes()`: `up` to the server, `down` from it. */
  bytes(): { up: number; down: number };
  resetBytes(): void;
  close(): Promise<void>;
}

type Mode = 'open' | 'stalled' | 'refused';

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let mode: Mode = 'open';
  const carried = { up: 0, down: 0 };
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    if (mode === 'refused') {
      client.destroy();
      return;
    }
    const upstream = new Socket();
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
    client.on('data', (chunk: Buffer) => {
      carried.up += chunk.length;
    });
    upstream.on('data', (chunk: Buffer) => {
      carried.down += chunk.length;
    });
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
    bytes: () => ({ ...carried }),
    resetBytes() {
      carried.up = 0;
      carried.down = 0;
    },
    async close() {
      mode = 'refused';
      each((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
