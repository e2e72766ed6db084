import type { AddressInfo } from 'node:net';
import { createAppMetrics } from '@brainbytes/telemetry/metrics';
import { createLogger } from '@brainbytes/telemetry/service';
import { readScrape } from '@brainbytes/testkit/exposition';
import { FakeOpenAi } from '@brainbytes/testkit/fake-openai';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAiApp } from '../src/ai/app';
import { loadAiConfig } from '../src/ai/config';
import { Tutor } from '../src/ai/tutor';

let fake: FakeOpenAi | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  await fake?.stop();
  fake = undefined;
});

/** The AI function on a free port, with its real Express app, tutor and openai client. */
async function startAi(env: Record<string, string>) {
  const registry = new Registry();
  const logs: string[] = [];
  const tutor = new Tutor(
    loadAiConfig({ ...env }),
    createAppMetrics(registry),
    createLogger('debug', (l) => logs.push(l)),
  );
  const server = createAiApp(tutor, createLogger('error')).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const samples = async () => readScrape(await registry.metrics()).samples;
  return { url, samples, logs };
}

/** The fields the tests read from the function's JSON answers. */
type AnswerBody = { answer: string; provider: string; error: string; [field: string]: unknown };
const jsonOf = (res: Response) => res.json() as Promise<AnswerBody>;

const ask = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/ai/answer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const withProvider = async (extra: Record<string, string> = {}) => {
  fake = await new FakeOpenAi().start();
  return startAi({
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: fake.url,
    AI_PROVIDER: 'openai',
    AI_MODEL: 'gpt-4o-mini',
    AI_TIMEOUT_MS: '400',
    ...extra,
  });
};
const Q = { question: 'How do I add fractions like 1/2 + 1/3?', subject: 'math' };

describe('AI tutor with an OpenAI-compatible provider (real openai client, fake server)', () => {
  it('answers, records tokens by type, the cost from the price table, and time to first token', async () => {
    const ai = await withProvider();
    const res = await ask(ai.url, Q);
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body).toMatchObject({
      answer: fake!.answer,
      provider: 'openai',
      model: 'gpt-4o-mini',
      offline: false,
      usage: { input: 100, cachedInput: 20, output: 40 },
    });
    const s = await ai.samples();
    expect(
      s.get(
        'brainbytes_ai_requests_total{model="gpt-4o-mini",outcome="success",provider="openai",subject="math"}',
      ),
    ).toBe(1);
    expect(
      s.get('brainbytes_ai_tokens_used_total{model="gpt-4o-mini",provider="openai",type="cached_input"}'),
    ).toBe(20);
    expect(s.get('brainbytes_ai_tokens_used_total{model="gpt-4o-mini",provider="openai",type="input"}')).toBe(
      100,
    );
    expect(s.get('brainbytes_ai_cost_dollars_total{model="gpt-4o-mini",provider="openai"}')).toBeCloseTo(
      (100 * 0.15 + 20 * 0.075 + 40 * 0.6) / 1e6,
      12,
    );
    expect(fake!.requests[0]!.authorization).toBe('Bearer sk-test');
    // One JSON answer for the caller, streamed from the provider: time to first token is measured.
    expect(fake!.requests[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(
      s.get('brainbytes_ai_time_to_first_token_seconds_count{model="gpt-4o-mini",provider="openai"}'),
    ).toBe(1);
  });

  it('tells the model the language the student wrote in: Filipino (Taglish too) or English', async () => {
    const ai = await withProvider();
    for (const question of ['Paano ba mag-add ng mga fractions?', 'How do I add fractions?'])
      expect((await ask(ai.url, { question, subject: 'math' })).status).toBe(200);
    const system = fake!.requests.map(
      (r) => (r.messages as { role: string; content: string }[]).find((m) => m.role === 'system')?.content,
    );
    expect(system[0]).toContain('The student wrote in Filipino: answer in Filipino');
    expect(system[1]).toContain('The student wrote in English: answer in English');
  });

  it('streams over SSE with usage included, and measures time to first token', async () => {
    const ai = await withProvider();
    const res = await ask(ai.url, { ...Q, stream: true });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    const deltas = [...text.matchAll(/^data: (\{"delta".*\})$/gm)]
      .map((m) => JSON.parse(m[1]!).delta)
      .join('');
    expect(deltas).toBe(fake!.answer);
    expect(text).toMatch(/event: done\ndata: .*"output":40/);
    expect(fake!.requests[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const s = await ai.samples();
    expect(
      s.get('brainbytes_ai_time_to_first_token_seconds_count{model="gpt-4o-mini",provider="openai"}'),
    ).toBe(1);
    expect(
      s.get('brainbytes_ai_tokens_used_total{model="gpt-4o-mini",provider="openai",type="output"}'),
    ).toBe(40);
  });

  it('retries a 500 once, then falls back to the offline tutor', async () => {
    const ai = await withProvider({ AI_FALLBACK: 'offline' });
    fake!.behaviours.push(500, 500, 500);
    const body = await jsonOf(await ask(ai.url, Q));
    expect(fake!.requests).toHaveLength(2);
    expect(body).toMatchObject({ provider: 'offline', offline: true });
    expect(body.answer).toMatch(/^\(Offline tutor\) To add fractions/);
    const s = await ai.samples();
    expect(
      s.get(
        'brainbytes_ai_requests_total{model="gpt-4o-mini",outcome="error",provider="openai",subject="math"}',
      ),
    ).toBe(1);
    expect(
      s.get(
        'brainbytes_ai_requests_total{model="curriculum-v1",outcome="fallback",provider="offline",subject="math"}',
      ),
    ).toBe(1);
  });

  it('counts a 429 as rate_limited and answers 503 when no fallback is configured', async () => {
    const ai = await withProvider({ AI_FALLBACK: 'none' });
    fake!.behaviours.push(429, 429);
    const res = await ask(ai.url, Q);
    expect(res.status).toBe(503);
    expect((await jsonOf(res)).error).toMatch(/unavailable \(rate_limited\)/);
    expect(
      (await ai.samples()).get(
        'brainbytes_ai_requests_total{model="gpt-4o-mini",outcome="rate_limited",provider="openai",subject="math"}',
      ),
    ).toBe(1);
  });

  it('gives up on a hung provider within the bound and counts a timeout', async () => {
    const ai = await withProvider({ AI_FALLBACK: 'offline' });
    fake!.behaviours.push('hang', 'hang');
    const started = performance.now();
    const body = await jsonOf(await ask(ai.url, Q));
    const elapsed = performance.now() - started;
    expect(body.provider).toBe('offline');
    expect(elapsed).toBeLessThan(2 * 400 + 1000 + 500);
    expect(
      (await ai.samples()).get(
        'brainbytes_ai_requests_total{model="gpt-4o-mini",outcome="timeout",provider="openai",subject="math"}',
      ),
    ).toBe(1);
  });

  it('counts and logs once an answer from a model with no price, never pricing it at zero', async () => {
    const ai = await withProvider({ AI_MODEL: 'mystery-model-9' });
    await ask(ai.url, Q);
    await ask(ai.url, Q);
    const s = await ai.samples();
    expect(s.get('brainbytes_ai_unpriced_requests_total{model="mystery-model-9",provider="openai"}')).toBe(2);
    expect(
      [...s.keys()].some((k) => k.startsWith('brainbytes_ai_cost_dollars_total{model="mystery-model-9"')),
    ).toBe(false);
    expect(ai.logs.filter((l) => l.includes('no price in the dated price table'))).toHaveLength(1);
  });
});

describe('offline tutor (no OPENAI_API_KEY)', () => {
  it('answers from the curriculum in Filipino when asked in Filipino, labelled offline', async () => {
    const ai = await startAi({});
    const body = await jsonOf(
      await ask(ai.url, { question: 'Ano ang potosintesis ng mga halaman?', subject: 'science' }),
    );
    expect(body).toMatchObject({ provider: 'offline', model: 'curriculum-v1', offline: true });
    expect(body.answer).toMatch(/^\(Offline na tutor\) Ang potosintesis/);
    expect(
      (await ai.samples()).get(
        'brainbytes_ai_requests_total{model="curriculum-v1",outcome="success",provider="offline",subject="science"}',
      ),
    ).toBe(1);
  });

  it('says so when it has no lesson, and streams too', async () => {
    const ai = await startAi({});
    const question = { question: 'Explain quantum chromodynamics', subject: 'science' };
    const text = await (await ask(ai.url, question, { Accept: 'text/event-stream' })).text();
    expect(text).toMatch(/I have no lesson on that yet/);
    expect(text).toMatch(/event: done/);
  });
});

describe('bad input', () => {
  it.each([
    [{ subject: 'math' }, 400, /question: /],
    [{ question: '   ', subject: 'math' }, 400, /question: required/],
    [{ question: 'x'.repeat(2001), subject: 'math' }, 400, /question: at most 2000/],
    [{ question: 'hi', subject: 'astrology' }, 400, /subject: one of math, science/],
    [{ question: 'hi', subject: 'math', history: 'nope' }, 400, /history: /],
    [
      {
        question: "'; DROP TABLE questions; --<script>",
        subject: 'math',
        history: Array(11).fill({ role: 'student', text: 'a' }),
      },
      400,
      /history: at most 10/,
    ],
  ])('refuses %j', async (body, status, message) => {
    const ai = await startAi({});
    const res = await ask(ai.url, body);
    expect(res.status).toBe(status);
    expect((await jsonOf(res)).error).toMatch(message);
  });

  it('refuses malformed JSON and oversize bodies without a stack trace', async () => {
    const ai = await startAi({});
    const bad = await fetch(`${ai.url}/ai/answer`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"question": ',
    });
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'body is not valid JSON' }]);
    const big = await ask(ai.url, { question: 'x', subject: 'math', pad: 'y'.repeat(20_000) });
    expect([big.status, await big.json()]).toEqual([413, { error: 'body is larger than 16kb' }]);
  });
});
