import { type AppMetrics, createAppMetrics, type PushClient, pushBeforeReturn } from '@brainbytes/telemetry';
import { Registry } from 'prom-client';
import { pushClient } from '../push';
import { loadLambdaSettings } from '../settings';
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
  let started: { push: PushClient | undefined; memoryMb: number } | undefined;
  let cold = true;

  function wrap<E, R>(handler: (event: E, context: LambdaContext) => Promise<R>) {
    return async function handlerWithRuntime(event: E, context: LambdaContext = {}): Promise<R> {
      await ready;
      if (!started) {
        const settings = loadLambdaSettings();
        const job = functionName === 'job' ? 'brainbytes-jobs' : `brainbytes-${functionName}`;
        started = { push: pushClient(registry, job, settings.push), memoryMb: settings.memoryMb };
      }
      const { push, memoryMb } = started;
      metrics.functionInvocations.inc({ function: functionName, cold_start: String(cold) });
      cold = false;
      const timed = async () => {
        const started = performance.now();
        try {
          return await handler(event, context);
        } finally {
          const memoryGb = Number(context.memoryLimitInMB ?? memoryMb) / 1024;
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
