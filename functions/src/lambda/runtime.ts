import { resourceUsage } from 'node:process';
import {
  type AppMetrics,
  createAppMetrics,
  type PushClient,
  pushBeforeReturn,
} from '@brainbytes/telemetry/metrics';
import { Registry } from 'prom-client';
import { pushClient } from '../push';
import { loadLambdaSettings } from '../settings';
import { loadSsmParameters } from './secrets';

export interface LambdaContext {
  memoryLimitInMB?: string | number;
  /** Lambda's (and serverless-offline's): milliseconds until the invocation is killed. */
  getRemainingTimeInMillis?: () => number;
}

type FunctionName = 'api' | 'ai' | 'job';

interface Started {
  push: PushClient | undefined;
  memoryMb: number;
  timeoutMarginMs: number;
}

/**
 * Lambda's bill for one invocation in GB-seconds: the INIT it paid on a cold start plus the
 * handler's time, rounded up to the whole millisecond (AWS bills INIT for managed runtimes since
 * 1 August 2025: a cold start's Billed Duration is ceil(Init Duration + Duration)).
 */
export const billedGbSeconds = (initMs: number, durationMs: number, memoryMb: number) =>
  (Math.ceil(initMs + durationMs) / 1000) * (memoryMb / 1024);

/** The process's peak resident memory (Lambda's "Max Memory Used") in MiB. */
const peakMemoryMb = () => resourceUsage().maxRSS / 1024;

/**
 * What every BrainBytes Lambda shares: secrets from SSM at cold start; per invocation, the cold
 * start and its INIT time (the process's start to the first handler entry), GB-seconds as Lambda
 * bills them, peak memory over the configured size, and a timeout counted just before Lambda
 * kills the invocation (a timer at the remaining time less LAMBDA_TIMEOUT_MARGIN_MS pushes it);
 * the metrics are pushed before the handler returns (Lambda may freeze the process right after),
 * within the push bound.
 */
export function lambdaRuntime(functionName: FunctionName) {
  const registry = new Registry();
  const metrics: AppMetrics = createAppMetrics(registry);
  const ready = loadSsmParameters();
  const labels = { function: functionName };
  let started: Started | undefined;
  let cold = true;

  function wrap<E, R>(handler: (event: E, context: LambdaContext) => Promise<R>) {
    return async function handlerWithRuntime(event: E, context: LambdaContext = {}): Promise<R> {
      // performance.now() counts from the process's (or worker's) start: on the first entry, that is INIT.
      const entered = performance.now();
      const initMs = cold ? entered : 0;
      await ready;
      if (!started) {
        const settings = loadLambdaSettings();
        const job = functionName === 'job' ? 'brainbytes-jobs' : `brainbytes-${functionName}`;
        started = {
          push: pushClient(registry, job, settings.push),
          memoryMb: settings.memoryMb,
          timeoutMarginMs: settings.timeoutMarginMs,
        };
      }
      const { push, timeoutMarginMs } = started;
      const memoryMb = Number(context.memoryLimitInMB ?? started.memoryMb);
      metrics.functionInvocations.inc({ function: functionName, cold_start: String(cold) });
      if (cold) metrics.functionInitDuration.observe(labels, initMs / 1000);
      cold = false;
      let billed = false;
      const bill = (durationMs: number) => {
        if (billed) return;
        billed = true;
        metrics.functionBilledGbSeconds.inc(labels, billedGbSeconds(initMs, durationMs, memoryMb));
        metrics.functionMemoryUsedRatio.observe(labels, peakMemoryMb() / memoryMb);
      };
      // Lambda kills a timed-out invocation without a word: count it (billed to the deadline) and
      // push while there is still time.
      const remainingMs = context.getRemainingTimeInMillis?.();
      const deadline =
        remainingMs === undefined
          ? undefined
          : setTimeout(
              () => {
                metrics.functionTimeouts.inc(labels);
                bill(remainingMs);
                void push?.flush();
              },
              Math.max(0, remainingMs - timeoutMarginMs),
            );
      deadline?.unref();
      const timed = async () => {
        try {
          return await handler(event, context);
        } finally {
          clearTimeout(deadline);
          const durationMs = performance.now() - entered;
          metrics.functionGbSeconds.inc(labels, (memoryMb / 1024) * (durationMs / 1000));
          bill(durationMs);
        }
      };
      return push ? pushBeforeReturn(push, timed)() : timed();
    };
  }
  return { metrics, registry, wrap };
}
