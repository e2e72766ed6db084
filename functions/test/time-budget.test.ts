import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { httpTutor } from '../src/ai/client';
import { loadAiConfig } from '../src/ai/config';
import { lambdaTutor } from '../src/ai/lambda-client';
import { loadApiConfig } from '../src/api/config';
import { Refused } from '../src/errors';
import { REFUSAL_STATUS } from '../src/http';
import { FRONT_DOOR_LIMIT_MS, RESPONSE_MARGIN_MS, tutorBoundMs } from '../src/time-budget';

const serverless = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8')) as {
  provider: { timeout: number };
  functions: Record<string, { timeout?: number; environment?: Record<string, string> }>;
};
const lambdaTimeoutMs = (fn: string) =>
  (serverless.functions[fn]?.timeout ?? serverless.provider.timeout) * 1000;

describe('a slow AI provider ends in our answer, not the platform’s cut-off', () => {
  it('fits the tutor inside the API, the API inside its Lambda, and both inside the 30 s front door', () => {
    const ai = loadAiConfig({ ...serverless.functions.ai?.environment });
    const api = loadApiConfig({ ...serverless.functions.api?.environment, NODE_ENV: 'test' });
    const tutor = tutorBoundMs(ai.timeoutMs);
    expect(tutor, 'the tutor ends before the API stops waiting').toBeLessThan(api.aiTimeoutMs);
    expect(
      api.aiTimeoutMs + RESPONSE_MARGIN_MS,
      'the API answers before its Lambda is killed',
    ).toBeLessThanOrEqual(lambdaTimeoutMs('api'));
    expect(lambdaTimeoutMs('api'), 'API Gateway’s HTTP API cuts at 30 s').toBeLessThan(FRONT_DOOR_LIMIT_MS);
    expect(tutor, 'the ai function finishes its own bound').toBeLessThanOrEqual(lambdaTimeoutMs('ai'));
    expect([tutor, api.aiTimeoutMs, lambdaTimeoutMs('api')]).toEqual([25_000, 26_000, 29_000]);
  });

  it('refuses settings that would let the platform cut the answer', () => {
    expect(() => loadApiConfig({ AI_CALL_TIMEOUT_MS: '35000', NODE_ENV: 'test' })).toThrow(
      /AI_CALL_TIMEOUT_MS="35000" must be .* to 28000/,
    );
    expect(() => loadAiConfig({ AI_TIMEOUT_MS: '15000' })).toThrow(
      /AI_TIMEOUT_MS="15000" must be .* to 13000/,
    );
  });

  it('answers 504 with a message when the tutor takes longer than AI_CALL_TIMEOUT_MS, on Lambda and over HTTP', async () => {
    // A Lambda invoke endpoint and an AI server that never answer.
    const hung: http.ServerResponse[] = [];
    const server = http.createServer((_req, res) => void hung.push(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const client = new LambdaClient({
        endpoint: url,
        region: 'ap-southeast-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        maxAttempts: 1,
      });
      const request = { question: 'Why?', subject: 'science' as const, history: [] };
      for (const ask of [lambdaTutor('brainbytes-prod-ai', 300, client), httpTutor(url, 300)]) {
        const started = performance.now();
        const error = await ask(request).catch((e: Refused) => e);
        expect(performance.now() - started).toBeLessThan(2_000);
        expect(error).toBeInstanceOf(Refused);
        expect([REFUSAL_STATUS[(error as Refused).kind], (error as Refused).message]).toEqual([
          504,
          expect.stringMatching(/took too long/),
        ]);
      }
    } finally {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      server.close();
    }
  });
});
