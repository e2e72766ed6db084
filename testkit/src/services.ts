import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { requireBinary } from './binaries';
import { freePort, waitForHttp } from './ports';
import { type RunningProcess, trackProcess } from './processes';

export type { RunningProcess };

async function startBinary(
  name: string,
  debianPackage: string,
  args: (port: number) => string[],
  readyPath: string,
  fixedPort?: number,
  env: Record<string, string> = {},
): Promise<RunningProcess> {
  const binary = requireBinary(name, debianPackage);
  const port = fixedPort ?? (await freePort());
  const child = spawn(binary, args(port), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const running = trackProcess(child, `http://127.0.0.1:${port}`, port);
  await waitForHttp(`${running.url}${readyPath}`, 20_000).catch((error) => {
    throw new Error(`${name} did not start: ${error.message}\n${running.output()}`);
  });
  return running;
}

/** Debian's Alertmanager 0.25, alone (no cluster), on a free port. */
export const startAlertmanager = (configFile: string, storagePath?: string) =>
  startBinary(
    'prometheus-alertmanager',
    'prometheus-alertmanager',
    (port) => [
      `--config.file=${configFile}`,
      `--storage.path=${storagePath ?? mkdtempSync(join(tmpdir(), 'bb-am-'))}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    '/-/ready',
  );

/**
 * Debian's Prometheus 2.42 with the given config, data in a temp folder. Alerts are re-sent every
 * second instead of every minute: the first ones go out before Alertmanager is discovered.
 */
export const startPrometheus = (
  configFile: string,
  port?: number,
  tsdbPath?: string,
  extraArgs: string[] = [],
) =>
  startBinary(
    'prometheus',
    'prometheus',
    (listen) => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${tsdbPath ?? mkdtempSync(join(tmpdir(), 'bb-prom-'))}`,
      // Backfilled blocks (a past month) are kept whatever their age.
      ...(tsdbPath ? ['--storage.tsdb.retention.time=100y'] : []),
      ...extraArgs,
      `--web.listen-address=127.0.0.1:${listen}`,
      '--rules.alert.resend-delay=1s',
      '--log.level=warn',
    ],
    '/-/ready',
    port,
  );

/** Debian's postgres_exporter 0.11 against `dsn` (a postgresql:// URL, as Heroku's DATABASE_URL). */
export const startPostgresExporter = (dsn: string) =>
  startBinary(
    'prometheus-postgres-exporter',
    'prometheus-postgres-exporter',
    (port) => [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    '/metrics',
    undefined,
    { DATA_SOURCE_NAME: dsn },
  );

/** Debian's redis_exporter 1.45 against `url` (redis://…, as Heroku's REDIS_URL). */
export const startRedisExporter = (url: string) =>
  startBinary(
    'prometheus-redis-exporter',
    'prometheus-redis-exporter',
    (port) => ['-redis.addr', url, '-web.listen-address', `127.0.0.1:${port}`],
    '/metrics',
  );

export const startNodeExporter = () =>
  startBinary(
    'prometheus-node-exporter',
    'prometheus-node-exporter',
    (port) => [`--web.listen-address=127.0.0.1:${port}`, '--no-collector.systemd', '--log.level=warn'],
    '/metrics',
  );

/** Debian's blackbox exporter with a rendered blackbox.yml: the probes of the public entries. */
export const startBlackboxExporter = (configFile: string) =>
  startBinary(
    'prometheus-blackbox-exporter',
    'prometheus-blackbox-exporter',
    (port) => [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    '/-/healthy',
  );

export interface Mail {
  from: string;
  to: string[];
  parsed: ParsedMail;
}

/** A real SMTP server (smtp-server) that keeps every message it is given. */
export async function smtpSink(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            parsed,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** An HTTP server that answers 200 and keeps every JSON body: Slack's webhook, a dead man's switch. */
export async function httpSink(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Polls until `check` returns a value, or fails after `timeoutMs` with `what`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query through Prometheus's HTTP API; a PromQL error fails the test with its message. */
export async function promQuery(prometheusUrl: string, expr: string): Promise<PromSample[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({ query: expr }),
  });
  const body = (await res.json()) as { status: string; error?: string; data: { result: PromSample[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result;
}

/** A Redis server of the test's own (Debian's `redis-server`), nothing saved to disk, restartable on its port. */
export interface OwnRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL): its data is gone, as after a restart without persistence. */
  kill(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  start(): Promise<void>;
}

export async function startOwnRedis(
  extraArgs: string[] = [],
  { startNow = true }: { startNow?: boolean } = {},
): Promise<OwnRedis> {
  const binary = requireBinary('redis-server', 'redis-server');
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ReturnType<typeof spawn> | undefined;
  const answers = async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined); // not up yet: asked again
    try {
      await client.connect();
      return (await client.ping()) === 'PONG' ? true : undefined;
    } catch {
      return undefined;
    } finally {
      client.disconnect();
    }
  };
  const own: OwnRedis = {
    url,
    port,
    async kill() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    async start() {
      child = spawn(
        binary,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
        { stdio: 'ignore' },
      );
      await eventually('redis-server to answer', answers, 10_000);
    },
  };
  if (startNow) await own.start();
  return own;
}
