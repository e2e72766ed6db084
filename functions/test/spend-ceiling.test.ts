import { FakeOpenAi } from '@brainbytes/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../src/api/config';
import { databases, useApi } from './api-harness';

/**
 * The AI spend ceiling against a counting OpenAI-compatible provider: every call it answers is a
 * billed call (gpt-4o-mini, 100 fresh + 20 cached input and 40 output tokens: $0.0000405).
 */
const CALL_DOLLARS = (100 * 0.15 + 20 * 0.075 + 40 * 0.6) / 1e6;

describe.each(databases)('the AI spend ceiling on %s', (_name, open) => {
  const provider = new FakeOpenAi();
  beforeAll(async () => {
    await provider.start();
  });
  afterAll(async () => provider.stop());
  const withProvider = () => ({
    OPENAI_API_KEY: 'sk-test-ceiling',
    OPENAI_BASE_URL: provider.url,
    AI_MODEL: 'gpt-4o-mini',
  });

  describe('one question at a time', () => {
    const h = useApi(
      open,
      {
        AI_CEILING_DAILY_DOLLARS: '0.0005',
        AI_CEILING_MONTHLY_DOLLARS: '1',
        AI_CEILING_RESERVE_DOLLARS: '0.0001',
      },
      withProvider,
    );

    it('answers in full, then briefly past the soft line, then from the offline tutor with a note (English and Filipino)', async () => {
      const before = provider.requests.length;
      const { token } = await h.newStudent();
      const session = await h.call('POST', '/api/sessions', { subject: 'math' }, h.auth(token));
      const answers: string[] = [];
      for (let i = 0; i < 13; i++) {
        const asked = await h.call(
          'POST',
          `/api/sessions/${session.body.id}/questions`,
          { question: `How do I add fractions, part ${i}?` },
          h.auth(token),
        );
        expect(asked.status).toBe(201);
        answers.push(asked.body.answer);
      }
      const filipino = await h.call(
        'POST',
        `/api/sessions/${session.body.id}/questions`,
        { question: 'Paano ba mag-add ng mga fractions?' },
        h.auth(token),
      );
      const calls = provider.requests.slice(before);
      // Spent before call k: (k-1) × $0.0000405; held: $0.0001. Brief past $0.0004, offline past $0.0005.
      expect(calls).toHaveLength(10);
      expect(calls.slice(0, 8).every((c) => c.max_tokens === undefined)).toBe(true);
      expect(calls.slice(8).map((c) => c.max_tokens)).toEqual([120, 120]);
      expect(answers.slice(0, 10).every((a) => a === provider.answer)).toBe(true);
      for (const answer of answers.slice(10))
        expect(answer).toMatch(/^Today's budget for AI answers is used up[^\n]+\n\n\(Offline tutor\)/);
      expect(filipino.body.answer).toMatch(/^Naubos na ang badyet para sa mga sagot ng AI ngayong araw/);
      expect(filipino.body.provider).toBe('offline');

      const [day] = await h.db.query<{ dollars: number; calls: number }>(
        "SELECT dollars, calls FROM ai_spend WHERE period LIKE 'day:%'",
      );
      expect(day!.calls).toBe(10);
      expect(day!.dollars).toBeCloseTo(10 * CALL_DOLLARS, 12);
      expect(day!.dollars).toBeLessThanOrEqual(0.0005);
      const s = await h.samples();
      expect(s.get('brainbytes_ai_ceiling_answers_total{period="day",tier="brief"}')).toBe(2);
      expect(s.get('brainbytes_ai_ceiling_answers_total{period="day",tier="offline"}')).toBe(4);
      expect(s.get('brainbytes_ai_billed_calls_total{provider="openai-compatible"}')).toBe(10);
    });
  });

  describe('every instance at once', () => {
    const h = useApi(
      open,
      {
        AI_CEILING_DAILY_DOLLARS: '0.0004',
        AI_CEILING_MONTHLY_DOLLARS: '0.0004',
        AI_CEILING_RESERVE_DOLLARS: '0.00005',
      },
      withProvider,
    );

    it('never lets 40 parallel questions spend past the ceiling, and names the month past both', async () => {
      const before = provider.requests.length;
      const students = await Promise.all(Array.from({ length: 8 }, () => h.newStudent()));
      const replies = await Promise.all(
        students.flatMap(({ token }) =>
          Array.from({ length: 5 }, async (_, i) => {
            const session = await h.call('POST', '/api/sessions', { subject: 'science' }, h.auth(token));
            return h.call(
              'POST',
              `/api/sessions/${session.body.id}/questions`,
              { question: `Why is the sky blue? (${i})` },
              h.auth(token),
            );
          }),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(40).fill(201));
      const billed = provider.requests.length - before;
      // $0.0004 holds 9 calls of $0.0000405 with $0.00005 held for the next: never more.
      expect(billed).toBeGreaterThan(0);
      expect(billed).toBeLessThanOrEqual(9);
      const rows = await h.db.query<{ period: string; dollars: number }>(
        'SELECT period, dollars FROM ai_spend',
      );
      for (const row of rows) expect(row.dollars, row.period).toBeLessThanOrEqual(0.0004);
      const offline = replies.filter((r) => r.body.provider === 'offline');
      expect(offline.length).toBe(40 - billed);
      // Both lines are crossed: the note names the month (the longer wait).
      expect(offline[0]!.body.answer).toMatch(/^This month's budget for AI answers is used up/);
      const [ledger] = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ai_calls');
      expect(ledger!.n).toBe(billed);
    });
  });
});

describe('AI ceiling settings', () => {
  it('derive from the monthly budget: half of it a month, twice an even day’s share a day', () => {
    const base = { AUTH_SECRET: 'x'.repeat(32) };
    expect(loadApiConfig(base).spendCeiling).toEqual({
      monthlyDollars: 50,
      dailyDollars: 3.33,
      softFraction: 0.8,
      reserveDollars: 0.002,
    });
    expect(loadApiConfig({ ...base, BRAINBYTES_MONTHLY_BUDGET_DOLLARS: '30' }).spendCeiling).toMatchObject({
      monthlyDollars: 15,
      dailyDollars: 1,
    });
    expect(() => loadApiConfig({ ...base, AI_CEILING_DAILY_DOLLARS: '60' })).toThrow(
      /AI_CEILING_DAILY_DOLLARS=60 is above AI_CEILING_MONTHLY_DOLLARS=50/,
    );
    expect(() => loadApiConfig({ ...base, AI_CEILING_SOFT_FRACTION: '2' })).toThrow(
      /AI_CEILING_SOFT_FRACTION/,
    );
  });
});

describe('which X-Forwarded-For entry counts (API_TRUST_PROXY_HOPS)', () => {
  it('believes none off a dyno, the router’s on one, and refuses more than one hop (every further entry is the client’s word)', () => {
    const base = { AUTH_SECRET: 'x'.repeat(32) };
    expect(loadApiConfig(base).trustProxyHops).toBe(0);
    expect(loadApiConfig({ ...base, DYNO: 'web.1' }).trustProxyHops).toBe(1);
    expect(() => loadApiConfig({ ...base, API_TRUST_PROXY_HOPS: '2' })).toThrow(
      /API_TRUST_PROXY_HOPS="2" must be a whole number from 0 to 1/,
    );
  });
});
