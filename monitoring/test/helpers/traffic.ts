import { type AppMetrics, createAppMetrics, PushClient } from '@brainbytes/telemetry/metrics';
import { Registry } from 'prom-client';
import { ANSWER_ROUTE } from '../../src/rules/recording';

/**
 * A few seconds of a realistic day in production, recorded by the real telemetry metrics and
 * pushed as deltas through the gateway, as the API (Heroku), the AI tutor (Lambda) and the
 * scheduled job (Lambda) do: students on phones and computers, 4G to 2G, the odd error.
 */
export interface Producer {
  metrics: AppMetrics;
  client: PushClient;
}

function producer(
  gatewayUrl: string,
  job: string,
  {
    platform,
    environment = 'production',
    maxSeries,
  }: { platform: string; environment?: string; maxSeries?: number },
): Producer {
  const registry = new Registry();
  const metrics = createAppMetrics(registry);
  const client = new PushClient({
    url: gatewayUrl,
    registry,
    job,
    groupings: { environment, platform },
    timeoutMs: 2000,
    ...(maxSeries ? { maxSeries } : {}),
  });
  return { metrics, client };
}

const SUBJECTS = ['math', 'science', 'english', 'filipino'] as const;
const CONNECTIONS = ['4g', '3g', '2g', 'slow-2g', 'unknown'] as const;
const CLIENTS = ['mobile', 'mobile', 'mobile', 'desktop'] as const;
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

function apiRound({ metrics: m }: Producer, round: number) {
  for (let i = 0; i < 20; i++) {
    const client_type = pick(CLIENTS, i + round);
    const connection = pick(CONNECTIONS, i);
    const subject = pick(SUBJECTS, i + round);
    const failed = i === 7;
    const status_code = failed ? '500' : '201';
    m.httpRequests.inc({ method: 'POST', route: ANSWER_ROUTE, status_code, client_type });
    m.httpDuration.observe({ method: 'POST', route: ANSWER_ROUTE, status_code }, 0.2 + (i % 5) * 0.3);
    m.httpResponseSize.observe({ route: ANSWER_ROUTE, client_type }, 1800 + i * 40);
    m.httpRequests.inc({ method: 'GET', route: '/api/sessions', status_code: '200', client_type });
    m.httpDuration.observe({ method: 'GET', route: '/api/sessions', status_code: '200' }, 0.03);
    m.httpResponseSize.observe({ route: '/api/sessions', client_type }, 900);
    if (!failed) m.questions.inc({ subject, client_type });
    m.dbQueryDuration.observe({ operation: 'insert_questions' }, 0.004 + i * 0.001);
    m.dbQueryDuration.observe({ operation: 'select_sessions' }, 0.002);
    m.webPageViews.inc({ page: '/ask', client_type, connection });
    m.webVitals.observe(
      { metric: 'LCP', page: '/ask', client_type, connection },
      connection === '3g' ? 3.1 : 1.4,
    );
    m.webVitals.observe({ metric: 'FCP', page: '/ask', client_type, connection }, 0.9);
    m.webVitals.observe({ metric: 'TTFB', page: '/ask', client_type, connection }, 0.25);
    m.webVitals.observe({ metric: 'INP', page: '/ask', client_type, connection }, 0.12);
    m.webCls.observe({ page: '/ask', client_type, connection }, 0.02);
    m.webTransferBytes.observe({ page: '/ask', client_type, connection }, 120_000 + i * 1000);
    m.webUserActions.inc({ action: 'ask', page: '/ask', client_type });
  }
  m.httpRequests.inc({ method: 'POST', route: '/api/auth/login', status_code: '401', client_type: 'mobile' });
  m.httpAborted.inc({ route: ANSWER_ROUTE, client_type: 'mobile' });
  m.authEvents.inc({ event: 'login', outcome: 'success' }, 3);
  m.authEvents.inc({ event: 'login', outcome: 'failure' });
  m.apiRateLimited.inc({ limit: 'questions' }); // a student asking faster than allowed
  m.studySessionsStarted.inc(2);
  m.dbConnectionsActive.set(2 + (round % 3));
  m.dbConnectionsMax.set(10);
  m.webUserActions.inc({ action: 'subject_change', page: '/ask', client_type: 'desktop' });
  m.webErrors.inc({ kind: 'api', page: '/ask', client_type: 'mobile' });
  m.webConnectionEvents.inc({ event: 'offline', client_type: 'mobile' });
  m.webConnectionEvents.inc({ event: 'replayed', client_type: 'mobile' });
}

function aiRound({ metrics: m }: Producer, round: number) {
  const model = 'gpt-4o-mini';
  for (let i = 0; i < 20; i++) {
    const subject = pick(SUBJECTS, i);
    const outcome =
      i === 3 ? 'timeout' : i === 11 ? 'error' : i === 15 && round % 2 ? 'rate_limited' : 'success';
    m.aiRequests.inc({ provider: 'openai', model, subject, outcome });
    if (outcome !== 'success')
      m.aiRequests.inc({ provider: 'offline', model: 'offline-curriculum', subject, outcome: 'fallback' });
    m.aiDuration.observe({ provider: 'openai', model }, 1.5 + (i % 6) * 1.2);
    m.aiTimeToFirstToken.observe({ provider: 'openai', model }, 0.4 + (i % 4) * 0.1);
    m.aiTokens.inc({ provider: 'openai', model, type: 'input' }, 420);
    m.aiTokens.inc({ provider: 'openai', model, type: 'cached_input' }, 256);
    m.aiTokens.inc({ provider: 'openai', model, type: 'output' }, 180);
    m.aiCost.inc({ provider: 'openai', model }, 0.00019);
  }
  m.functionInvocations.inc({ function: 'ai', cold_start: round === 0 ? 'true' : 'false' }, 20);
  m.functionGbSeconds.inc({ function: 'ai' }, 20 * 0.25 * 3.2);
  lambdaRuntimeRound(m, 'ai', 20, 0.25 * 3.2, 512, round);
}

/** What the runtime wrapper adds per invocation: INIT on cold starts, billed GB-s, peak memory. */
function lambdaRuntimeRound(
  m: Producer['metrics'],
  fn: string,
  invocations: number,
  gbSeconds: number,
  memoryMb: number,
  round: number,
) {
  const cold = round % 5 === 0 ? 2 : 0;
  for (let i = 0; i < cold; i++) m.functionInitDuration.observe({ function: fn }, 0.9 + i * 0.4);
  m.functionBilledGbSeconds.inc({ function: fn }, invocations * gbSeconds + cold * 1.1 * (memoryMb / 1024));
  for (let i = 0; i < invocations; i++)
    m.functionMemoryUsedRatio.observe({ function: fn }, 0.4 + (i % 5) * 0.05);
}

function lambdaApiRound({ metrics: m }: Producer, round: number) {
  m.functionInvocations.inc({ function: 'api', cold_start: round === 0 ? 'true' : 'false' }, 40);
  m.functionGbSeconds.inc({ function: 'api' }, 40 * 0.5 * 0.12);
  lambdaRuntimeRound(m, 'api', 40, 0.5 * 0.12, 512, round);
}

function jobRound({ metrics: m }: Producer, round: number) {
  // The synthetic student's last journey (the Lambda job runs it).
  for (const [step, seconds] of Object.entries({
    login: 0.3,
    session: 0.1,
    ask: 2.4,
    history: 0.1,
    journey: 2.9,
  })) {
    m.syntheticJourneySuccess.set({ step }, 1);
    m.syntheticJourneyDuration.set({ step }, seconds + round * 0.01);
  }
  m.activeStudents.set({ window: '1d' }, 180 + round);
  m.activeStudents.set({ window: '7d' }, 640);
  m.activeStudents.set({ window: '30d' }, 1250);
  m.openStudySessions.set(42);
  m.questionsPerSession.set(6.5);
  for (const [i, subject] of SUBJECTS.entries()) m.questionsBySubject.set({ subject }, 3000 - i * 400);
  m.aiSpendMonthToDate.set({ provider: 'openai' }, 23.5 + round * 0.01);
}

/** Records and pushes `rounds` rounds, `intervalMs` apart; resolves after the last push. */
export async function simulateTraffic(gatewayUrl: string, rounds: number, intervalMs: number) {
  const api = producer(gatewayUrl, 'brainbytes-api', { platform: 'heroku' });
  const lambdaApi = producer(gatewayUrl, 'brainbytes-api', { platform: 'lambda' });
  const ai = producer(gatewayUrl, 'brainbytes-ai', { platform: 'lambda' });
  const jobs = producer(gatewayUrl, 'brainbytes-jobs', { platform: 'lambda' });
  // A laptop whose client may carry only a few series per push: the rest wait, and are counted.
  const laptop = producer(gatewayUrl, 'brainbytes-api', {
    platform: 'local',
    environment: 'development',
    maxSeries: 8,
  });
  for (let round = 0; round < rounds; round++) {
    apiRound(api, round);
    lambdaApiRound(lambdaApi, round);
    aiRound(ai, round);
    jobRound(jobs, round);
    apiRound(laptop, round);
    const results = await Promise.all([api, lambdaApi, ai, jobs, laptop].map((p) => p.client.flush()));
    if (!results.every((r) => r.ok)) throw new Error(`a push failed in round ${round}`);
    // A push the gateway refuses (le twice in the scrape), as a buggy client would send it.
    const refused = await fetch(`${gatewayUrl}/metrics/job/buggy/le/1`, {
      method: 'PUT',
      body: '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
    });
    if (refused.status !== 400) throw new Error(`the gateway took a push it must refuse (${refused.status})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
