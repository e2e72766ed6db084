import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type Moto, startMoto } from '@brainbytes/testkit/moto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSsmParameters } from '../src/lambda/secrets';

// moto speaks SSM's real protocol; the SDK client talks to it as to AWS.
let moto: Moto;
let ssm: SSMClient;
beforeAll(async () => {
  moto = await startMoto();
  ssm = new SSMClient({ region: moto.region, endpoint: moto.endpoint, credentials: moto.credentials });
  await ssm.send(
    new PutParameterCommand({ Name: '/bb/test/db', Value: 'postgres://db', Type: 'SecureString' }),
  );
}, 60_000);
afterAll(() => moto?.stop());

it('loads parameters, skips an optional one that does not exist, and fails on a required one that does not', async () => {
  delete process.env.BB_TEST_DB;
  delete process.env.BB_TEST_STATEMENT;
  await loadSsmParameters('BB_TEST_DB=/bb/test/db,BB_TEST_STATEMENT=?/bb/test/statement-urls', ssm);
  expect(process.env.BB_TEST_DB).toBe('postgres://db');
  expect(process.env.BB_TEST_STATEMENT).toBeUndefined();
  await expect(loadSsmParameters('BB_TEST_MISSING=/bb/test/missing', ssm)).rejects.toThrow(
    /ParameterNotFound|not found/i,
  );
  delete process.env.BB_TEST_DB;
});
