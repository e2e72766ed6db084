import { type AppMetrics, createAppMetrics, type PushClient, pushBeforeReturn } from '@brainbytes/telemetry';
import { Registry } from 'prom-client';
import { loadPushSettings, pushClient } from '../push';
import { loadSsmParameters } from './secrets';

interface LambdaContext {
  memoryLimitInMB?: string | number;
}

/**
 * What every BrainBytes Lambda shares: secrets from SSM at cold start, invocations counted with
 * their cold-start flag, GB-seconds (Lambda's billing unit) added up, and the metrics pushed
 * before the handler returns (Lambda may freeze the process right after), within the push bound.
 */
export function lambdaRuntime(functionName: 'api' | 'ai' | 'job') {
  const registry = new Registry();
  const metrics: AppMetrics = createAppMetrics(registry);
  const ready = loadSsmParameters();
  let push: PushClient | undefined;
  let cold = true;

  function wrap<E, R>(handler: (event: E, context: LambdaContext) => Promise<R>) {
    return async function handlerWithRuntime(event: E, context: LambdaContext = {}): Promise<R> {
      await ready;
      // Read after the secrets from SSM are in the environment; platform lambda, also under serverless-offline.
      push ??= pushClient(
        registry,
        functionName === 'job' ? 'brainbytes-jobs' : `brainbytes-${functionName}`,
        {
          ...loadPushSettings(),
          platform: 'lambda',
        },
      );
      metrics.functionInvocations.inc({ function: functionName, cold_start: String(cold) });
      cold = false;
      const timed = async () => {
        const started = performance.now();
        try {
          return await handler(event, context);
        } finally {
          const memoryGb =
            Number(context.memoryLimitInMB ?? process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 128) / 1024;
          metrics.functionGbSeconds.inc(
            { function: functionName },
            (memoryGb * (performance.now() - started)) / 1000,
          );
        }
      };
      return push ? pushBeforeReturn(push, timed)() : timed();
    };
  }
  return { metrics, registry, wrap };
}
