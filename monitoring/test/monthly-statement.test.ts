import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Database } from '@brainbytes/functions/db/database';
import { migrate } from '@brainbytes/functions/db/migrations';
import { openPostgres } from '@brainbytes/functions/db/postgres';
import { sendMonthlyStatement } from '@brainbytes/functions/jobs/monthly-statement';
import {
  eventually,
  type RunningProcess,
  smtpSink,
  startAlertmanager,
  startPrometheus,
} from '@brainbytes/testkit/services';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderToTemp, requireBinary } from './helpers/render';

const run = promisify(execFile);
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const promtool = requireBinary('promtool', 'prometheus');

// The job runs at 00:05 UTC on 1 November 2026; October is the month to state.
const NOW = new Date(Date.UTC(2026, 10, 1, 0, 5));
const OCTOBER_END = Date.UTC(2026, 10, 1) / 1000;

let smtp: Awaited<ReturnType<typeof smtpSink>>;
let alertmanager: RunningProcess;
let prometheus: RunningProcess;
const schema = `statement_${randomUUID().replaceAll('-', '')}`;
const dbs: Database[] = [];

beforeAll(async () => {
  // Prometheus as it was at October's end: the exporter's accrual per app, CloudWatch's spend per
  // function as recorded, and the budget (backfilled blocks, as the month's scrapes left them).
  const tsdb = mkdtempSync(join(tmpdir(), 'bb-statement-tsdb-'));
  const at = [OCTOBER_END - 600, OCTOBER_END - 300];
  const series = [
    ['heroku_cost_accrued_dollars_total{app="brainbytes-api",job="heroku-exporter"}', [74.8, 75]],
    ['heroku_cost_accrued_dollars_total{app="brainbytes-monitoring",job="heroku-exporter"}', [24.9, 25]],
    ['function:brainbytes_lambda_spend_dollars:month_to_date{function="brainbytes-prod-api"}', [6.1, 6.2]],
    ['function:brainbytes_lambda_spend_dollars:month_to_date{function="brainbytes-prod-job"}', [0.3, 0.3]],
    ['brainbytes:budget_dollars:monthly', [200, 200]],
  ] as const;
  const openMetrics = `${series.flatMap(([name, values]) => values.map((v, i) => `${name} ${v} ${at[i]}`)).join('\n')}\n# EOF\n`;
  writeFileSync(join(tsdb, 'october.om'), openMetrics);
  await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', join(tsdb, 'october.om'), tsdb]);
  writeFileSync(join(tsdb, 'prometheus.yml'), 'global: {}\n');
  prometheus = await startPrometheus(join(tsdb, 'prometheus.yml'), undefined, tsdb);

  smtp = await smtpSink();
  const { dir } = renderToTemp({
    ALERTMANAGER_GROUP_WAIT: '1s',
    ALERTMANAGER_GROUP_INTERVAL: '2s',
    SMTP_SMARTHOST: `127.0.0.1:${smtp.port}`,
    ALERT_EMAIL_BUDGET: 'owner@brainbytes.ph',
  });
  alertmanager = await startAlertmanager(join(dir, 'alertmanager/alertmanager.yml'));

  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  for (let i = 0; i < 2; i++) dbs.push(openPostgres(PG_URL, { schema, poolSize: 2 }));
  await migrate(dbs[0] as Database);
  const db = dbs[0] as Database;
  const students = await Promise.all(
    ['ana', 'ben', 'carla'].map(async (name) => {
      const [row] = await db.query<{ id: string }>(
        "INSERT INTO students (email, name, password_hash) VALUES ($1, $2, 'x') RETURNING id",
        [`${name}@x.ph`, name],
      );
      return row?.id as string;
    }),
  );
  const [session] = await db.query<{ id: string }>(
    "INSERT INTO study_sessions (student_id, subject) VALUES ($1, 'math') RETURNING id",
    [students[0]],
  );
  const ask = async (student: string | undefined, model: string, cost: number | null, when: string) => {
    const provider = cost === null ? 'offline' : 'openai';
    await db.query(
      `INSERT INTO questions (session_id, student_id, subject, question, answer, provider, model, cost_dollars, created_at)
       VALUES ($1, $2, 'math', 'q', 'a', $3, $4, $5, $6)`,
      [session?.id, student, provider, model, cost, when],
    );
    await db.query(
      "INSERT INTO ai_calls (student_id, provider, model, tier, cost_dollars, at) VALUES ($1, $2, $3, 'full', $4, $5)",
      [student, provider, model, cost, when],
    );
  };
  await ask(students[0], 'gpt-4o-mini', 10, '2026-10-03T02:00:00Z');
  await ask(students[1], 'gpt-4o-mini', 5, '2026-10-31T23:59:00Z');
  await ask(students[1], 'gpt-4o', 30, '2026-10-20T10:00:00Z');
  await ask(students[1], 'offline-tutor', null, '2026-10-21T10:00:00Z');
  await ask(students[2], 'gpt-4o', 99, '2026-11-01T00:01:00Z'); // November: not in October's statement
  await ask(students[2], 'gpt-4o', 99, '2026-09-30T23:59:00Z'); // September
  // Billed in October, never stored (a retry that lost its race): spend all the same.
  await db.query(
    "INSERT INTO ai_calls (student_id, provider, model, tier, cost_dollars, at) VALUES ($1, 'openai', 'gpt-4o-mini', 'full', 2, '2026-10-15T08:00:00Z')",
    [students[0]],
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(dbs.map((db) => db.close()));
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  await Promise.all([alertmanager?.stop(), prometheus?.stop(), smtp?.close()]);
});

it('sends last month’s statement once, from two job instances at once, to the owner through Alertmanager', async () => {
  const settings = { alertmanagerUrls: [alertmanager.url], prometheusUrl: prometheus.url };
  const results = await Promise.all(dbs.map((db) => sendMonthlyStatement(db, settings, NOW)));
  // One sends; the other finds the month claimed (still posting, or already sent): never both.
  expect(results.filter((r) => r === 'sent')).toHaveLength(1);
  expect(results.filter((r) => r !== 'sent')).toEqual([
    expect.stringMatching(/^(already sent|in progress)$/),
  ]);
  // A later run of the job, that day or the next, sends nothing more.
  expect(await sendMonthlyStatement(dbs[1] as Database, settings, new Date(NOW.getTime() + 86_400_000))).toBe(
    'already sent',
  );

  const mail = await eventually(
    'the statement email',
    () => (smtp.mails.length ? smtp.mails : undefined),
    20_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 4000)); // group_interval twice: nothing more comes
  expect(smtp.mails.length).toBe(1);
  const [only] = mail;
  expect(only?.to).toEqual(['owner@brainbytes.ph']);
  // AI 47 (the ledger) + Heroku 100 + Lambda 6.5 = 153.50 of 200.
  expect(only?.parsed.subject).toBe(
    '[BrainBytes budget] Monthly statement for October 2026: $153.50 of the $200.00 budget (77 %)',
  );
  const text = only?.parsed.text ?? '';
  for (const line of [
    '  AI: $47.00 (every billed call, its answer stored or not)',
    '  Heroku: $100.00',
    '  Lambda: $6.50',
    '  openai/gpt-4o (1 calls): $30.00',
    '  openai/gpt-4o-mini (3 calls): $17.00',
    '  offline/offline-tutor (1 calls): $0.00',
    '  brainbytes-api: $75.00',
    '  brainbytes-monitoring: $25.00',
    '  brainbytes-prod-api: $6.20',
    'Cost per question: $38.38 (4 questions)',
    'Cost per active student: $76.75 (2 students asked)',
  ])
    expect(text).toContain(line);
}, 60_000);

it('keeps the month unclaimed when Alertmanager cannot be reached, so the next run sends it', async () => {
  const settings = { alertmanagerUrls: ['http://127.0.0.1:9'], prometheusUrl: prometheus.url };
  const december = new Date(Date.UTC(2026, 11, 1, 0, 5)); // November's statement
  await expect(sendMonthlyStatement(dbs[0] as Database, settings, december)).rejects.toThrow();
  const [row] = await (dbs[0] as Database).query("SELECT 1 FROM monthly_statements WHERE month = '2026-11'");
  expect(row).toBeUndefined();
  expect(
    await sendMonthlyStatement(
      dbs[0] as Database,
      { ...settings, alertmanagerUrls: [alertmanager.url] },
      december,
    ),
  ).toBe('sent');
}, 60_000);

it('posts the statement once when Alertmanager is slow: the next run asks whether it arrived instead of posting again (S1)', async () => {
  // An Alertmanager that takes the post at once but answers it only after the job gave up waiting.
  const posts: string[] = [];
  const slow = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const upstream = await fetch(`${alertmanager.url}${req.url}`, {
        method: req.method,
        headers: { 'Content-Type': 'application/json' },
        body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
      });
      const body = await upstream.text();
      if (req.method === 'POST') {
        posts.push(req.url ?? '');
        await new Promise((r) => setTimeout(r, 1_500));
      }
      res.writeHead(upstream.status, { 'Content-Type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  try {
    const settings = {
      alertmanagerUrls: [`http://127.0.0.1:${(slow.address() as AddressInfo).port}`],
      prometheusUrl: prometheus.url,
    };
    const february = new Date(Date.UTC(2027, 1, 1, 0, 5)); // January 2027's statement
    const timing = { postTimeoutMs: 500, claimStaleMs: 0 }; // the next run, two minutes on
    await expect(sendMonthlyStatement(dbs[0] as Database, settings, february, timing)).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(await sendMonthlyStatement(dbs[1] as Database, settings, february, timing)).toBe('sent');
    expect(await sendMonthlyStatement(dbs[0] as Database, settings, february, timing)).toBe('already sent');
    expect(posts).toEqual(['/api/v2/alerts']); // one post, whatever the timeouts
    await eventually(
      'January’s statement email',
      () => (smtp.mails.some((m) => m.parsed.subject?.includes('January 2027')) ? true : undefined),
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 4000)); // group_interval twice: nothing more comes
    expect(smtp.mails.filter((m) => m.parsed.subject?.includes('January 2027'))).toHaveLength(1);
  } finally {
    slow.close();
  }
}, 60_000);
