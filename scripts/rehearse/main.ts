/**
 * `npm run rehearse`: the production rehearsal. Builds the documented deployment on this machine
 * (topology.ts), sends students through it (`npm run demo`), plays a scripted day (scenarios.ts)
 * and checks that exactly the right people were emailed: prints a table and exits non-zero on any
 * missing, early or extra notification. About 8 minutes; logs of every process in the folder it names.
 */

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LAMBDA_REPORT_METRICS, lambdaReportNamespace } from '@brainbytes/telemetry/metrics';
import { requireBinary } from '@brainbytes/testkit/binaries';
import { FakeOpenAi } from '@brainbytes/testkit/fake-openai';
import { FakePlatformApi } from '@brainbytes/testkit/fake-platform-api';
import { startMoto } from '@brainbytes/testkit/moto';
import { smtpSink } from '@brainbytes/testkit/services';
import { Redis } from 'ioredis';
import { describe, type Expectation, matches, type Notice, readNotice } from './inbox';
import { say, stopAll } from './processes';
import { type Context, SCENARIOS, type Scenario } from './scenarios';
import { SYNTHETIC_EVERY_SECONDS, Topology } from './topology';
import { Traffic } from './traffic';

const MANILA_OFFSET_MS = 8 * 3600_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Business hours that open a few minutes from now and last the rest of the Manila day: the
 * rehearsal starts "at night" and reaches "the morning" while it runs (MANILA_BUSINESS_HOURS).
 */
async function businessHoursOpeningSoon(leadMinutes: number) {
  for (;;) {
    const manila = new Date(Date.now() + MANILA_OFFSET_MS);
    const minute = manila.getUTCHours() * 60 + manila.getUTCMinutes() + leadMinutes + 1;
    if (minute < 24 * 60 - 10) {
      const clock = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
      const opensAt = Date.now() - (Date.now() % 60_000) + (leadMinutes + 1) * 60_000;
      return { text: `monday:sunday ${clock}-24:00`, opensAt };
    }
    say('Manila midnight is near: waiting for the new day so the morning can come in this run …');
    await sleep(30_000);
  }
}

const APPS = ['brainbytes-api', 'brainbytes-web', 'brainbytes-gateway', 'brainbytes-exporter'];

const { values: args } = parseArgs({ options: { only: { type: 'string' } } });

async function main() {
  const began = Date.now();
  const only = args.only?.split(',') ?? [];
  const scenarios = SCENARIOS.filter((s) => !only.length || only.some((o) => s.name.includes(o)));
  if (!scenarios.length)
    throw new Error(`--only "${args.only}" names no scenario: ${SCENARIOS.map((s) => s.name).join('; ')}`);
  requireBinary('prometheus', 'prometheus');
  requireBinary('prometheus-alertmanager', 'prometheus-alertmanager');
  const dir = mkdtempSync(path.join(tmpdir(), 'bb-rehearsal-'));
  say(`process logs in ${dir}`);
  const openai = await new FakeOpenAi().start();
  const heroku = await new FakePlatformApi(
    APPS.map((name) => ({
      name,
      dynos: [{ type: 'web', size: 'Basic', state: 'up', n: 1 }],
      formation: [{ type: 'web', quantity: 1, size: 'Basic' }],
      releases: 3,
      addons:
        name === 'brainbytes-api'
          ? [{ service: 'heroku-postgresql', plan: 'essential-0', cents: 500 }]
          : name === 'brainbytes-gateway'
            ? [{ service: 'heroku-redis', plan: 'mini', cents: 300 }]
            : [],
      runtimeMetrics: true,
    })),
  ).start();
  const smtp = await smtpSink();
  // CloudWatch as Lambda reports to it: this month's daily usage of each function until now.
  const moto = await startMoto();
  const today = new Date().getUTCDate();
  const days = Array.from(
    { length: today - 1 },
    (_, d) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), d + 1, 8)),
  );
  for (const fn of ['brainbytes-prod-api', 'brainbytes-prod-ai', 'brainbytes-prod-job']) {
    await moto.seedLambda(
      fn,
      days.flatMap((Timestamp) => [
        { MetricName: 'Invocations', Timestamp, Value: 10_000, Unit: 'Count' as const },
        { MetricName: 'Duration', Timestamp, Value: 3_600_000, Unit: 'Milliseconds' as const },
      ]),
    );
    // And what the REPORT metric filters publish: billed duration, INIT and rounding included.
    await moto.seed(
      lambdaReportNamespace(fn),
      days.map((Timestamp) => ({
        MetricName: LAMBDA_REPORT_METRICS.billed,
        Timestamp,
        Value: 3_800_000,
        Unit: 'Milliseconds' as const,
      })),
    );
  }
  const business = await businessHoursOpeningSoon(5);
  const top = new Topology(
    {
      openaiUrl: openai.url,
      herokuApiUrl: heroku.url,
      herokuToken: heroku.token,
      herokuApps: APPS,
      smtpPort: smtp.port,
      businessHours: business.text,
      // The evening peak is now: study hours all day, every day (MANILA_STUDY_HOURS).
      studyHours: 'monday:sunday 00:00-24:00',
      cloudWatch: { endpoint: moto.endpoint, region: moto.region, ...moto.credentials },
    },
    dir,
  );
  const notices: Notice[] = [];
  let seen = 0;
  let saved = 0;
  mkdirSync(path.join(dir, 'mail'));
  const collector = setInterval(() => {
    for (; seen < smtp.mails.length; seen++)
      for (const notice of readNotice(smtp.mails[seen] as (typeof smtp.mails)[number], Date.now())) {
        notices.push(notice);
        say(`  ✉ ${describe(notice)}`);
      }
    // Every email's text, to read when a row surprises.
    for (; saved < smtp.mails.length; saved++) {
      const mail = smtp.mails[saved] as (typeof smtp.mails)[number];
      const text = `To: ${mail.to.join(', ')}\nSubject: ${mail.parsed.subject}\n\n${mail.parsed.text ?? ''}`;
      writeFileSync(path.join(dir, 'mail', `${String(saved).padStart(3, '0')}.txt`), text);
    }
  }, 200);
  const traffic = new Traffic(dir);
  let schedule: NodeJS.Timeout | undefined;
  const results: { scenario: Scenario; startedAt: number; expected: Expectation[]; error?: string }[] = [];
  // Ctrl-C, a kill, or whatever reads its output gone (a closed terminal, an ended test run): each
  // process runs in its own group, as a dyno does, so none would hear it and all would outlive the
  // rehearsal. The day stops where it is and the cleanup below runs.
  let interrupted: string | undefined;
  const interruption = new Promise<never>((_, reject) => {
    const stop = (why: string) => {
      if (interrupted) return;
      interrupted = why;
      say(`${why}: stopping every process the rehearsal started …`);
      reject(new Error(`interrupted (${why})`));
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => stop(signal));
    process.stdout.on('error', () => stop('its output closed'));
  });
  interruption.catch(() => undefined);
  try {
    await Promise.race([interruption, playDay()]);
  } finally {
    clearInterval(collector);
    clearInterval(schedule);
    await Promise.race([top.front?.close(), sleep(5_000)]);
    await traffic.stop();
    await stopAll();
    await top.dropDatabase().catch(() => undefined);
    const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
    await redis.connect().catch(() => undefined);
    const keys = await redis.keys(`${top.redisPrefix}*`).catch(() => [] as string[]);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await Promise.all([openai.stop(), heroku.stop(), smtp.close()]);
    moto.stop();
    if (interrupted) {
      say(`stopped; process logs in ${dir}`);
      process.exit(130);
    }
  }
  const ok = report(results, notices);
  say(
    `${ok ? 'passed' : 'FAILED'} in ${((Date.now() - began) / 60_000).toFixed(1)} min; process logs in ${dir}`,
  );
  process.exitCode = ok ? 0 : 1;

  async function playDay() {
    await top.startAll();
    // For a look while it runs: where everything is, and the rehearsal's own throwaway credentials.
    writeFileSync(
      path.join(dir, 'stack.json'),
      JSON.stringify({ urls: top.ports, monitoring: top.monitoringAuth }, null, 2),
      { mode: 0o600 },
    );
    say(`the stack is up in ${((Date.now() - began) / 1000).toFixed(0)} s; students start`);
    traffic.targets = [
      { url: top.url('web'), students: 6 },
      { url: top.url('lambdaHttp'), students: 2 },
    ];
    traffic.start();
    // EventBridge's schedule, compressed: the job runs the synthetic student every time.
    schedule = setInterval(() => void top.invokeJob(), SYNTHETIC_EVERY_SECONDS * 1000);
    const ctx: Context = {
      top,
      openai,
      heroku,
      traffic,
      notices,
      businessOpensAt: business.opensAt,
      async waitFor(e, since, seconds) {
        const deadline = Date.now() + seconds * 1000;
        for (;;) {
          const found = notices.find((n) => n.at >= since && matches(n, e));
          if (found || Date.now() > deadline) return found;
          await sleep(250);
        }
      },
    };
    for (const scenario of scenarios) {
      const startedAt = Date.now();
      say(`▶ ${scenario.name}`);
      const expected = scenario.expect(ctx);
      const result: (typeof results)[number] = { scenario, startedAt, expected };
      results.push(result);
      await scenario.run(ctx, startedAt).catch((error: Error) => {
        result.error = error.message;
        say(`  !! ${error.message}`);
      });
    }
    say('waiting for the notifications still due …');
    const lastDeadline = Math.max(
      ...results.flatMap((r) => r.expected.map((e) => r.startedAt + e.within * 1000)),
    );
    while (Date.now() < lastDeadline && !allArrived(results, notices)) await sleep(500);
    await sleep(10_000); // anything late or repeated still counts as extra
  }
}

function allArrived(results: { startedAt: number; expected: Expectation[] }[], notices: Notice[]) {
  return results.every((r) =>
    r.expected.every((e) => notices.some((n) => n.at >= r.startedAt && matches(n, e))),
  );
}

/** Attributes every notice to the scenario that expects or allows it; the rest are extras. */
function report(
  results: { scenario: Scenario; startedAt: number; expected: Expectation[]; error?: string }[],
  notices: Notice[],
): boolean {
  const claimed = new Set<Notice>();
  const rows = results.map((r) => {
    const got = r.expected.map((e) => {
      const n = notices.find((x) => !claimed.has(x) && x.at >= r.startedAt && matches(x, e));
      if (n) claimed.add(n);
      const early = n && e.notBefore !== undefined && n.at < e.notBefore;
      const late = n && n.at > r.startedAt + e.within * 1000;
      return {
        e,
        n,
        bad: !n || early || late,
        why: !n ? 'missing' : early ? 'not held' : late ? 'late' : '',
      };
    });
    return { ...r, got };
  });
  const extras = new Map<(typeof rows)[number], Notice[]>();
  const allowanceUsed = new Set<string>();
  const allowed: Notice[] = [];
  for (const n of notices) {
    if (claimed.has(n)) continue;
    // Each allowed notice may come once, from a scenario already started.
    const allowance = rows
      .flatMap((r, i) => (r.scenario.allow ?? []).map((a, j) => ({ r, a, key: `${i}:${j}` })))
      .find(({ r, a, key }) => n.at >= r.startedAt && matches(n, a) && !allowanceUsed.has(key));
    if (allowance) {
      allowanceUsed.add(allowance.key);
      allowed.push(n);
      continue;
    }
    const during = [...rows].reverse().find((r) => r.startedAt <= n.at) ?? rows[0];
    if (during) extras.set(during, [...(extras.get(during) ?? []), n]);
  }
  const secs = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
  const table = [
    '| scenario | expected | received | time to notify | extra |',
    '|---|---|---|---|---|',
    ...rows.map((r) => {
      const expected = r.got.map((g) => describe(g.e)).join('; ') || 'nothing';
      const received =
        r.got.map((g) => (g.n ? describe(g.n) : `✗ ${describe(g.e)} (${g.why})`)).join('; ') || 'nothing';
      const times = r.got.map((g) =>
        g.n ? `${secs(g.n.at - r.startedAt)}${g.why ? ` ✗ ${g.why}` : ''}` : '—',
      );
      const extra = extras.get(r) ?? [];
      return `| ${r.scenario.name}${r.error ? ` ✗ ${r.error}` : ''} | ${expected} | ${received} | ${times.join('; ') || '—'} | ${extra.length}${extra.length ? `: ${extra.map(describe).join('; ')}` : ''} |`;
    }),
  ];
  process.stdout.write(`\n${table.join('\n')}\n\n`);
  if (allowed.length) say(`also received, as allowed: ${allowed.map(describe).join('; ')}`);
  return rows.every((r) => !r.error && r.got.every((g) => !g.bad) && !extras.get(r)?.length);
}

main().catch(async (error: Error) => {
  say(`failed: ${error.message}`);
  await stopAll();
  process.exit(1);
});
