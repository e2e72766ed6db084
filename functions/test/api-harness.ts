import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type AppMetrics, createAppMetrics } from '@brainbytes/telemetry/metrics';
import { createLogger } from '@brainbytes/telemetry/service';
import { readScrape } from '@brainbytes/testkit/exposition';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect } from 'vitest';
import { createAiApp } from '../src/ai/app';
import { type AskTutor, httpTutor } from '../src/ai/client';
import { loadAiConfig } from '../src/ai/config';
import { Tutor } from '../src/ai/tutor';
import { loadApiConfig } from '../src/api/config';
import { createApi } from '../src/api/create-api';
import type { Database } from '../src/data/database';
import { instrumentDatabase } from '../src/data/instrumented';
import { migrate } from '../src/data/migrations';
import { openPglite } from '../src/data/pglite';
import { openPostgres } from '../src/data/postgres';

/** Every API test runs on both: embedded PGlite and the real PostgreSQL on this machine. */
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const listen = async (app: ReturnType<typeof createApi>['app']) => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
};

export type Json = Record<string, unknown> & { token: string; id: string; error: string; answer: string };

export const databases: Array<[string, () => Promise<{ db: Database; drop: () => Promise<void> }>]> = [
  ['PGlite', async () => ({ db: await openPglite('memory://'), drop: async () => {} })],
  [
    'PostgreSQL (the real server on this machine)',
    async () => {
      const schema = `api_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      const db = openPostgres(PG_URL, { schema, applicationName: schema });
      return {
        db,
        drop: async () => {
          await db.close();
          const c = new pg.Client({ connectionString: PG_URL });
          await c.connect();
          await c.query(`DROP SCHEMA ${schema} CASCADE`);
          await c.end();
        },
      };
    },
  ],
];

/**
 * The API with its real Express app, database and the AI function (offline tutor) over HTTP, on free
 * ports, around the tests of the calling describe block.
 */
/** Limits high enough that tests about other things never meet them; the limit tests set their own. */
const ROOMY_LIMITS: Record<string, string> = {
  API_RATE_LOGIN_ACCOUNT_ADDRESS: '1000/1m',
  API_RATE_LOGIN_ADDRESS: '1000/1m',
  API_RATE_LOGIN_ACCOUNT: '1000/1m',
  API_RATE_SIGNUPS_ADDRESS: '1000/1m',
  API_RATE_SIGNUP_MAIL: '1000/1m',
  API_RATE_QUESTIONS: '1000/1m',
  API_RATE_QUESTIONS_DAILY: '1000/1d',
  API_RATE_QUESTIONS_ADDRESS: '1000/1m',
  API_RATE_SESSIONS: '1000/1m',
  // The tests stand in for Heroku's router: X-Forwarded-For's last entry is the address it saw.
  API_TRUST_PROXY_HOPS: '1',
};

export function useApi(
  open: () => Promise<{ db: Database; drop: () => Promise<void> }>,
  env: Record<string, string> = {},
  /** The AI function's settings: OPENAI_BASE_URL and OPENAI_API_KEY for a provider (default: the offline tutor). */
  aiEnv: () => Record<string, string> = () => ({}),
) {
  let api: { url: string; close: () => Promise<void> };
  let ai: { url: string; close: () => Promise<void> };
  let store: { db: Database; drop: () => Promise<void> };
  const tutorCalls: unknown[] = [];
  let tutorDown = false;
  let tutorDelayMs = 0;
  const registry = new Registry();
  const metrics: AppMetrics = createAppMetrics(registry);
  const samples = async () => readScrape(await registry.metrics()).samples;

  beforeAll(async () => {
    store = await open();
    expect(await migrate(store.db)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await migrate(store.db)).toEqual([]); // migrations run once
    const tutor = new Tutor(loadAiConfig(aiEnv()), createAppMetrics(new Registry()), createLogger('error'));
    ai = await listen(
      createAiApp(tutor, createLogger('error')) as unknown as ReturnType<typeof createApi>['app'],
    );
    const viaHttp = httpTutor(ai.url, 5000);
    const askTutor: AskTutor = async (request) => {
      tutorCalls.push(request);
      await new Promise((r) => setTimeout(r, tutorDelayMs));
      if (tutorDown) return httpTutor('http://127.0.0.1:1', 500)(request);
      return viaHttp(request);
    };
    const db = instrumentDatabase(store.db, metrics);
    const config = loadApiConfig({
      AUTH_SECRET: 'x'.repeat(32),
      AUTH_TOKEN_TTL_HOURS: '24',
      ...ROOMY_LIMITS,
      ...env,
    });
    api = await listen(createApi({ config, db, askTutor, logger: createLogger('error'), metrics }).app);
  });
  afterAll(async () => {
    await api?.close();
    await ai?.close();
    await store?.drop();
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(api.url + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Json };
  };
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  let n = 0;
  const newStudent = async () => {
    const email = `student${++n}-${randomBytes(3).toString('hex')}@example.ph`;
    const { status, body } = await call('POST', '/api/auth/register', {
      email,
      name: 'Juan',
      password: 'maganda123',
    });
    expect(status).toBe(201);
    return { email, token: body.token };
  };

  return {
    call,
    auth,
    newStudent,
    samples,
    tutorCalls,
    get db() {
      return store.db;
    },
    get url() {
      return api.url;
    },
    setTutor(options: { down?: boolean; delayMs?: number }) {
      tutorDown = options.down ?? tutorDown;
      tutorDelayMs = options.delayMs ?? tutorDelayMs;
    },
  };
}
