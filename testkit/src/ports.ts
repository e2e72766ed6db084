import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * A free TCP port on loopback for a test's server (tests never use the stack's fixed ports).
 *
 * Chosen below the kernel's ephemeral range: a port the kernel picked for `listen(0)` is free again
 * once we close it, and any outgoing connection from a parallel test file may take it as its local
 * port before our server binds it (Prometheus then fails with "address already in use"). Ports
 * below that range are never handed out that way; the random pick keeps parallel test processes
 * apart, and the ports this process already gave out are never given twice.
 */
export async function freePort(): Promise<number> {
  const [low, high] = pickRange();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port found in ${low}-${high} after 200 tries; is something holding them?`);
}

const handedOut = new Set<number>();

/** [20000, start of the ephemeral range): read from Linux, else the IANA dynamic range's start. */
function pickRange(): [number, number] {
  let ephemeralLow = 32768;
  try {
    const text = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const first = Number(text.trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > 21000) ephemeralLow = first;
  } catch {
    // not Linux: keep the default
  }
  return [20000, ephemeralLow];
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Polls `url` until it answers 2xx or `timeoutMs` passes. */
export async function waitForHttp(url: string, timeoutMs = 15_000, headers: Record<string, string> = {}) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { headers });
      if (res.ok) return;
      last = new Error(`HTTP ${res.status}`);
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms: ${String(last)}`);
}
