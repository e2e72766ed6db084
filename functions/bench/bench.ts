/**
 * `npm run bench -w functions`: a DB-backed API request (GET /api/sessions: token check + sessions
 * query, on PGlite) measured plain and with everything on — HTTP metrics, DB timing, and the push
 * client flushing every second to our gateway in its own process — in the same run, interleaved in rounds.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAppMetrics, PushClient } from '@brainbytes/telemetry/metrics';
import { createLogger } from '@brainbytes/telemetry/service';
import { startGatewayProcess } from '@brainbytes/testkit/processes';
import { Registry } from 'prom-client';
import { loadApiConfig } from '../src/api/config';
import { createApi } from '../src/api/create-api';
import type { Database } from '../src/data/database';
import { instrumentDatabase } from '../src/data/instrumented';
import { migrate } from '../src/data/migrations';
import { openPglite } from '../src/data/pglite';
import { type LambdaContext, lambdaRuntime } from '../src/lambda/runtime';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30); // enough that two identical servers agree within ~1 %
const PER_ROUND = Number(process.env.BENCH_REQUESTS ?? 300);
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const logger = createLogger('error');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

async function serve(db: Database, instrumented: boolean, pushUrl?: string) {
  const registry = new Registry();
  const metrics = instrumented ? createAppMetrics(registry) : undefined;
  const store = metrics ? instrumentDatabase(db, metrics) : db;
  const { app } = createApi({
    config: loadApiConfig({ AUTH_SECRET: 'b'.repeat(32), AUTH_TOKEN_TTL_HOURS: '24' }),
    db: store,
    askTutor: async () => ({ answer: 'a', provider: 'offline', model: 'm', costDollars: 0 }),
    logger,
    metrics,
  });
  const push = pushUrl
    ? new PushClient({
        url: pushUrl,
        registry,
        job: 'brainbytes-api',
        groupings: { environment: 'development', platform: 'local' },
      }).start(1000)
    : undefined;
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: async () => {
      await push?.stop();
      server.close();
    },
  };
}

function request(
  port: number,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ ms: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const t0 = performance.now();
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          'Content-Type': 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ ms: performance.now() - t0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

async function main() {
  // The gateway runs in its own process, as it does in production.
  const gateway = await startGatewayProcess({ PUSHGATEWAY_PERSISTENCE: 'memory' });
  const db = await openPglite('memory://');
  await migrate(db);
  const plain = await serve(db, false);
  // The control: a second plain server. Its difference from the first is the method's own noise.
  const control = await serve(db, false);
  const full = await serve(db, true, gateway.url);
  const { token } = JSON.parse(
    (
      await request(plain.port, 'POST', '/api/auth/register', {
        email: 'bench@example.ph',
        name: 'B',
        password: 'maganda123',
      })
    ).body,
  );
  for (let i = 0; i < 5; i++) await request(plain.port, 'POST', '/api/sessions', { subject: 'math' }, token);

  const times = { plain: [] as number[], control: [] as number[], full: [] as number[] };
  const ports = { plain: plain.port, control: control.port, full: full.port };
  progress(`warming up, then ${ROUNDS} rounds × ${PER_ROUND} requests per variant`);
  for (let i = 0; i < 300; i++) {
    for (const port of Object.values(ports)) await request(port, 'GET', '/api/sessions', undefined, token);
  }
  const orders = [
    ['plain', 'control', 'full'],
    ['full', 'plain', 'control'],
    ['control', 'full', 'plain'],
  ] as const;
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of orders[round % 3]!) {
      for (let i = 0; i < PER_ROUND; i++) {
        times[variant].push((await request(ports[variant], 'GET', '/api/sessions', undefined, token)).ms);
      }
    }
    progress(`round ${round + 1}/${ROUNDS}`);
  }
  const p = (v: keyof typeof times, q: number) => quantile(times[v], q);
  const overhead = p('full', 0.5) - p('plain', 0.5);
  const noise = Math.abs(p('control', 0.5) - p('plain', 0.5));
  const rows = [
    ['GET /api/sessions, plain', p('plain', 0.5), p('plain', 0.99)],
    ['GET /api/sessions, plain again (control)', p('control', 0.5), p('control', 0.99)],
    ['GET /api/sessions, HTTP + DB metrics + pushing every 1 s', p('full', 0.5), p('full', 0.99)],
  ];
  const table = rows
    .map(([n, a, b]) => `| ${n} | ${(a as number).toFixed(3)} | ${(b as number).toFixed(3)} |`)
    .join('\n');
  const pct = (x: number) => ((x / p('plain', 0.5)) * 100).toFixed(1);
  process.stdout.write(
    `\nFunctions overhead benchmark (PGlite, keep-alive, one client, ${times.plain.length} requests per variant)\n\n` +
      `| variant | p50 ms | p99 ms |\n|---|---|---|\n${table}\n\n` +
      `overhead at p50: ${(overhead * 1000).toFixed(0)} µs = ${pct(overhead)} % of the plain median (targets: ≤ 2 ms and ≤ 5 %); ` +
      `the control differs from plain by ${(noise * 1000).toFixed(0)} µs = ${pct(noise)} %: the method's own noise\n`,
  );
  await plain.close();
  await control.close();
  await full.close();
  await gateway.stop();
  await db.close();
  agent.destroy();
}

/**
 * What the Lambda runtime wrapper adds to a warm invocation (cold start, INIT, billed GB-s, peak
 * memory, the timeout timer), pushing aside: a bare handler and the same handler wrapped, called
 * in interleaved rounds, with a second bare handler as the control.
 */
async function lambdaWrapper() {
  delete process.env.PUSHGATEWAY_URL; // the push is the gateway's cost, measured above
  process.env.IS_OFFLINE = 'true';
  const work = async (event: { n: number }) => event.n + 1;
  const context: LambdaContext = { memoryLimitInMB: 512, getRemainingTimeInMillis: () => 29_000 };
  const variants = {
    bare: work,
    control: async (event: { n: number }) => event.n + 1,
    wrapped: lambdaRuntime('api').wrap(work),
  };
  const times = { bare: [] as number[], control: [] as number[], wrapped: [] as number[] };
  const call = async (name: keyof typeof variants) => {
    const t0 = performance.now();
    await variants[name]({ n: 1 }, context);
    return performance.now() - t0;
  };
  for (let i = 0; i < 2_000; i++)
    for (const name of ['bare', 'control', 'wrapped'] as const) await call(name);
  const rounds = ROUNDS;
  progress(`Lambda wrapper: ${rounds} rounds × 2,000 invocations per variant`);
  for (let round = 0; round < rounds; round++)
    for (const name of (['bare', 'control', 'wrapped'] as const)
      .slice(round % 3)
      .concat((['bare', 'control', 'wrapped'] as const).slice(0, round % 3)))
      for (let i = 0; i < 2_000; i++) times[name].push(await call(name));
  const us = (name: keyof typeof times, q: number) => quantile(times[name], q) * 1000;
  const added = us('wrapped', 0.5) - us('bare', 0.5);
  process.stdout.write(
    `\nLambda runtime wrapper, per warm invocation (${times.bare.length} per variant, no push)\n\n` +
      `| variant | p50 µs | p99 µs |\n|---|---|---|\n` +
      (['bare', 'control', 'wrapped'] as const)
        .map((n) => `| ${n} | ${us(n, 0.5).toFixed(1)} | ${us(n, 0.99).toFixed(1)} |`)
        .join('\n') +
      `\n\nadded at p50: ${added.toFixed(1)} µs (goal ≤ 50 µs); the control differs from bare by ${Math.abs(us('control', 0.5) - us('bare', 0.5)).toFixed(1)} µs: the method's own noise\n`,
  );
}

main()
  .then(lambdaWrapper)
  .catch((error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
    process.exit(1);
  });
