import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTutor } from '../src/ai/client';
import { lambdaTutor } from '../src/ai/lambda-client';
import type { Refused } from '../src/errors';
import { REFUSAL_STATUS } from '../src/http';

/**
 * The tutor's answer reaches the API two ways — HTTP (local, Heroku) and Lambda's InvokeCommand
 * (AWS) — and is read by one contract (src/ai/contract.ts): the same reply gives the same answer,
 * or the same refusal, either way. The stand-in answers both `POST /ai/answer` and Lambda's
 * `POST /2015-03-31/functions/<name>/invocations`, so the real AWS SDK client talks to it.
 */
let reply: unknown;
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function bothWays(body: unknown) {
  reply = body;
  const request = { question: 'What is photosynthesis?', subject: 'science' as const, history: [] };
  const lambda = new LambdaClient({
    endpoint: url,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'stand-in', secretAccessKey: 'stand-in' },
  });
  const outcome = (p: Promise<unknown>) =>
    p.then(
      (answer) => ({ answer }),
      (error: Refused) => ({ refused: REFUSAL_STATUS[error.kind] }),
    );
  return {
    http: await outcome(httpTutor(url, 5_000)(request)),
    lambda: await outcome(lambdaTutor('brainbytes-dev-ai', 5_000, lambda)(request)),
  };
}

describe('the tutor’s answer, read once for HTTP and Lambda', () => {
  const answer = { answer: 'Plants make food from light.', provider: 'openai', model: 'gpt-4o-mini' };

  it('passes a well-formed answer on unchanged, with its cost', async () => {
    const { http, lambda } = await bothWays({ ...answer, costDollars: 0.0021, offline: false });
    expect(http).toEqual({ answer: { ...answer, costDollars: 0.0021 } });
    expect(lambda).toEqual(http);
  });

  it('reads a missing, negative or non-numeric cost as unknown (null), never as a stored string', async () => {
    for (const costDollars of [undefined, -1, '0.1', 'NaN']) {
      const { http, lambda } = await bothWays({ ...answer, costDollars });
      expect(http, String(costDollars)).toEqual({ answer: { ...answer, costDollars: null } });
      expect(lambda, String(costDollars)).toEqual(http);
    }
  });

  it('refuses a reply without an answer, provider or model the same way (503)', async () => {
    for (const body of [
      {},
      { ...answer, answer: '' },
      { ...answer, provider: undefined },
      { ...answer, model: 7 },
    ]) {
      const { http, lambda } = await bothWays(body);
      expect(http, JSON.stringify(body)).toEqual({ refused: 503 });
      expect(lambda, JSON.stringify(body)).toEqual({ refused: 503 });
    }
  });
});
