import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { type InProcessGateway, startInProcess } from '@brainbytes/pushgateway/in-process';
import {
  lambdaReportNamespace,
  LAMBDA_REPORT_METRICS as REPORT_METRICS,
} from '@brainbytes/telemetry/metrics';
import { scrape } from '@brainbytes/testkit/exposition';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { lambdaTutor } from '../src/ai/lambda-client';
import { slsEnv as env, type Offline, root, serverless, startOffline } from './serverless-offline';

type Resource = { Type: string; Properties: Record<string, unknown> };
type LambdaProperties = {
  FunctionName: string;
  Handler: string;
  Environment: { Variables: Record<string, string> };
};

describe('serverless.yml (Serverless Framework 3.40)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('packages offline, without AWS credentials, into the CloudFormation we expect', {
    timeout: 120_000,
  }, async () => {
    await promisify(execFile)(serverless, ['package', '--package', out, '--stage', 'dev'], {
      cwd: root,
      env,
      timeout: 110_000,
    });
    const template = JSON.parse(
      fs.readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    const resources = template.Resources as Record<string, Resource>;
    const fn = (name: string) => resources[`${name}LambdaFunction`]!.Properties as LambdaProperties;
    for (const [name, memory] of [
      ['Api', 512],
      ['Ai', 512],
      ['Job', 256],
    ] as const) {
      expect(fn(name)).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: memory });
      expect(fn(name).FunctionName).toBe(`brainbytes-dev-${name.toLowerCase()}`);
    }
    expect(fn('Api').Handler).toBe('functions/src/lambda/api.handler');
    expect(fn('Api').Environment.Variables.AI_FUNCTION_NAME).toBe('brainbytes-dev-ai');
    expect(fn('Ai').Environment.Variables).toMatchObject({ AI_FALLBACK: 'offline', AI_MODEL: 'gpt-4o-mini' });
    // Secrets travel as SSM parameter names, never as values.
    const variables = JSON.stringify(fn('Api').Environment.Variables);
    expect(variables).toContain('DATABASE_URL=/brainbytes/dev/database-url');
    expect(variables).not.toMatch(/postgres:\/\/|sk-[A-Za-z0-9]/);
    const types = Object.values(resources).map((r) => r.Type);
    expect(types).toContain('AWS::ApiGatewayV2::Api');
    expect(JSON.stringify(Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule'))).toContain(
      'rate(5 minutes)',
    );
    expect(JSON.stringify(resources.IamRoleLambdaExecution)).toContain('lambda:InvokeFunction');
    // Each function logs JSON, and five metric filters turn its platform.report records into
    // BrainBytes/Lambda/<function> metrics: what the exporter reads (cloudwatch.ts, LAMBDA_REPORT_METRICS).
    for (const name of ['Api', 'Ai', 'Job']) {
      expect(resources[`${name}LambdaFunction`]!.Properties.LoggingConfig).toEqual({
        LogFormat: 'JSON',
        SystemLogLevel: 'INFO',
      });
      const filters = Object.entries(resources).filter(
        ([id, r]) => id.startsWith(name) && r.Type === 'AWS::Logs::MetricFilter',
      );
      const transformations = filters.map(([, r]) => {
        const [t] = r.Properties.MetricTransformations as Record<string, string>[];
        return [
          t!.MetricName,
          t!.MetricNamespace,
          t!.MetricValue,
          String(r.Properties.FilterPattern),
        ] as string[];
      });
      const namespace = lambdaReportNamespace(`brainbytes-dev-${name.toLowerCase()}`);
      expect(transformations.map(([metric]) => metric).sort()).toEqual(Object.values(REPORT_METRICS).sort());
      for (const [metric, ns, value, pattern] of transformations) {
        expect(ns, metric).toBe(namespace);
        expect(pattern, metric).toMatch(/^\{ \$\.type = "platform\.report"/);
        if (metric === REPORT_METRICS.billed) expect(value).toBe('$.record.metrics.billedDurationMs');
        if (metric === REPORT_METRICS.init) expect(value).toBe('$.record.metrics.initDurationMs');
        if (metric === REPORT_METRICS.maxMemory) expect(value).toBe('$.record.metrics.maxMemoryUsedMB');
      }
      for (const [, r] of filters) expect(r.Properties.LogGroupName).toEqual({ Ref: `${name}LogGroup` });
    }
    for (const name of ['api', 'ai', 'job'])
      expect(fs.statSync(path.join(out, `${name}.zip`)).size).toBeGreaterThan(10_000);
  });
});

describe('serverless-offline 13: the API reaches the AI function with InvokeCommand', () => {
  let offline: Offline | undefined;
  let gateway: InProcessGateway | undefined;
  // The api and job Lambdas run in worker threads of one process: PGlite cannot be opened twice
  // (it aborted now and then), and on AWS they share PostgreSQL. So do they here: a database of their own.
  const server = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const database = `sls_${process.pid}_${Date.now()}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect().catch((error: Error) => {
      throw new Error(`PostgreSQL at ${server} is needed here (${error.message}); run npm test's setup`);
    });
    await client.query(sql).finally(() => client.end());
  };
  afterAll(async () => {
    offline?.stop();
    await gateway?.close();
    await new Promise((r) => setTimeout(r, 500)); // the Lambdas' connections close with the process
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('answers through the Lambda invoke endpoint under its full service-stage-function name', {
    timeout: 120_000,
  }, async () => {
    gateway = await startInProcess();
    const pushTo = gateway.url;
    await admin(`CREATE DATABASE ${database}`);
    const databaseUrl = new URL(server);
    databaseUrl.pathname = `/${database}`;
    offline = await startOffline(
      root,
      ({ lambdaPort }) => ({
        OPENAI_API_KEY: '',
        PUSHGATEWAY_URL: pushTo,
        DATABASE_URL: databaseUrl.href,
        // The API's own InvokeCommand goes to serverless-offline's Lambda endpoint, as it would to AWS.
        AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${lambdaPort}`,
      }),
      'brainbytes-dev-ai',
    );
    const { client, httpPort } = offline;
    const result = await client.send(
      new InvokeCommand({
        FunctionName: 'brainbytes-dev-ai',
        Payload: Buffer.from(JSON.stringify({ question: 'What is photosynthesis?', subject: 'science' })),
      }),
    );
    expect(result.StatusCode).toBe(200);
    expect(JSON.parse(Buffer.from(result.Payload!).toString())).toMatchObject({
      provider: 'offline',
      offline: true,
    });

    const ask = lambdaTutor('brainbytes-dev-ai', 26_000, client);
    const answer = await ask({ question: 'Sino si Jose Rizal?', subject: 'history', history: [] });
    expect(answer.answer).toMatch(/^\(Offline/);

    // The whole path: API Gateway (HTTP API v2 events) → the api Lambda → InvokeCommand → the ai Lambda.
    const api = `http://127.0.0.1:${httpPort}/api`;
    const post = async (p: string, body: unknown, token?: string) =>
      (await fetch(api + p, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      }).then((r) => r.json())) as Record<string, string>;
    const { token } = await post('/auth/register', {
      email: 'lambda@example.ph',
      name: 'Lambda',
      password: 'maganda123',
    });
    const session = await post('/sessions', { subject: 'math' }, token);
    const asked = await post(
      `/sessions/${session.id}/questions`,
      { question: 'How do I add fractions?' },
      token,
    );
    expect(asked.answer ?? JSON.stringify({ session, asked })).toMatch(/^\(Offline tutor\) To add fractions/);

    // The scheduled job, as EventBridge invokes it (twice: cold, then warm).
    for (let i = 0; i < 2; i++) {
      const job = await client.send(
        new InvokeCommand({ FunctionName: 'brainbytes-dev-job', Payload: Buffer.from('{}') }),
      );
      expect(JSON.parse(Buffer.from(job.Payload!).toString())).toEqual({ ok: true, statement: 'off' }); // no MONTHLY_STATEMENT_ALERTMANAGER_URLS
    }

    // Each function pushed before it returned (no waiting here): a cold start once, then warm ones,
    // GB-seconds at each function's memory, and the bytes the student paid for.
    const s = (await scrape(gateway.url)).samples;
    const sum = (name: string, match: (key: string) => boolean) =>
      [...s].filter(([key]) => key.startsWith(`${name}{`) && match(key)).reduce((n, [, v]) => n + v, 0);
    for (const fn of ['api', 'ai', 'job']) {
      const of = (key: string) => key.includes(`function="${fn}"`) && key.includes('platform="lambda"');
      expect(
        sum('brainbytes_function_invocations_total', (k) => of(k) && k.includes('cold_start="true"')),
        fn,
      ).toBe(1);
      expect(
        sum('brainbytes_function_invocations_total', (k) => of(k) && k.includes('cold_start="false"')),
        fn,
      ).toBeGreaterThan(0);
      expect(sum('brainbytes_function_gb_seconds_total', of), fn).toBeGreaterThan(0);
      // One INIT each (the cold start), billed on top of the handlers' time.
      expect(sum('brainbytes_function_init_duration_seconds_count', of), fn).toBe(1);
      expect(sum('brainbytes_function_billed_gb_seconds_total', of), fn).toBeGreaterThan(
        sum('brainbytes_function_gb_seconds_total', of),
      );
    }
    const answered = (key: string) => key.includes('route="/api/sessions/:id/questions"');
    expect(sum('brainbytes_http_requests_total', answered)).toBe(1);
    expect(sum('brainbytes_http_response_size_bytes_sum', answered)).toBeGreaterThan(
      Buffer.byteLength(JSON.stringify(asked)),
    );
    expect(sum('brainbytes_http_requests_aborted_total', () => true)).toBe(0);
  });
});
