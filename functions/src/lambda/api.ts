import { createLogger } from '@brainbytes/telemetry';
import serverlessHttp from 'serverless-http';
import { createApiApp } from '../api/app';
import { TokenSigner } from '../api/auth';
import { loadApiConfig } from '../api/config';
import { instrumentDatabase } from '../api/db/instrumented';
import { migrate } from '../api/db/migrations';
import { openDatabase } from '../api/db/open';
import { lambdaTutor } from '../api/lambda-tutor';
import { Learning } from '../api/learning';
import { Students } from '../api/students';
import { lambdaRuntime } from './runtime';

const runtime = lambdaRuntime('api');
type HttpHandler = ReturnType<typeof serverlessHttp>;
let app: Promise<HttpHandler> | undefined;

async function createHandler(): Promise<HttpHandler> {
  const config = loadApiConfig();
  const functionName = process.env.AI_FUNCTION_NAME;
  if (!functionName)
    throw new Error('AI_FUNCTION_NAME is not set (the full service-stage-function name of the AI function)');
  const db = instrumentDatabase(await openDatabase(config), runtime.metrics);
  await migrate(db);
  const { metrics } = runtime;
  return serverlessHttp(
    createApiApp({
      db,
      students: new Students(db, new TokenSigner(config.authSecret), config.tokenTtlHours, metrics),
      learning: new Learning(db, lambdaTutor(functionName), metrics),
      logger: createLogger('info'),
      metrics,
    }),
  );
}

/** API Gateway HTTP API (payload v2) → the same Express app as the local server. */
export const handler = runtime.wrap(async (event: object, context: object) => {
  app ??= createHandler();
  return (await app)(event, context);
});
