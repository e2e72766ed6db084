import { createLogger } from '@brainbytes/telemetry/service';
import serverlessHttp from 'serverless-http';
import { lambdaTutor } from '../ai/lambda-client';
import { loadApiConfig } from '../api/config';
import { createApi } from '../api/create-api';
import { instrumentDatabase } from '../data/instrumented';
import { migrate } from '../data/migrations';
import { openDatabase } from '../data/open';
import { lambdaRuntime } from './runtime';

const runtime = lambdaRuntime('api');
type HttpHandler = ReturnType<typeof serverlessHttp>;
let app: Promise<HttpHandler> | undefined;

async function createHandler(): Promise<HttpHandler> {
  const config = loadApiConfig();
  const functionName = config.aiFunctionName;
  if (!functionName)
    throw new Error('AI_FUNCTION_NAME is not set (the full service-stage-function name of the AI function)');
  const db = instrumentDatabase(await openDatabase(config), runtime.metrics);
  await migrate(db);
  const { metrics } = runtime;
  const { app } = createApi({
    config,
    db,
    askTutor: lambdaTutor(functionName, config.aiTimeoutMs),
    logger: createLogger(config.logLevel),
    metrics,
  });
  return serverlessHttp(app);
}

/** API Gateway HTTP API (payload v2) → the same Express app as the local server. */
export const handler = runtime.wrap(async (event: object, context: object) => {
  app ??= createHandler();
  return (await app)(event, context);
});
