import { ConfigError, type Env, numberSetting } from '@brainbytes/telemetry/service';
import type { Rate } from './api/rate-limits';
import { loadPushSettings, type PushSettings } from './push';

const WINDOW_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * A rate limit: `5/15m` (5 at once, refilled over 15 minutes) or `5,3/1m` (5 at once, then 3 a
 * minute). The burst and refill are whole numbers of at least 1.
 */
export function rateSetting(name: string, text: string | undefined, fallback: string): Rate {
  const value = text?.trim() || fallback;
  const match = /^(\d+)(?:,(\d+))?\/(\d+)([smhd])$/.exec(value);
  const burst = Number(match?.[1]);
  const refill = Number(match?.[2] ?? match?.[1]);
  const windowSeconds = Number(match?.[3]) * (WINDOW_SECONDS[match?.[4] ?? ''] ?? 0);
  if (!match || burst < 1 || refill < 1 || windowSeconds < 1) {
    throw new ConfigError(
      `${name}="${value}" is not a rate: use e.g. 5/15m (5 at once, refilled over 15 minutes) or 5,3/1m (5 at once, then 3 a minute)`,
    );
  }
  return { burst, refill, windowSeconds };
}

/**
 * What every Lambda reads once, at its first invocation (after SSM's secrets are in the
 * environment): how it pushes (labelled platform="lambda", under serverless-offline too) and its
 * configured memory, for GB-seconds when the invocation context does not say.
 */
export function loadLambdaSettings(env: Env = process.env): {
  push: PushSettings;
  memoryMb: number;
  timeoutMarginMs: number;
} {
  return {
    push: { ...loadPushSettings(env), platform: 'lambda' },
    memoryMb: numberSetting('AWS_LAMBDA_FUNCTION_MEMORY_SIZE', env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, 128, {
      min: 1,
    }),
    // How long before the deadline an invocation still running is counted as a timeout and
    // pushed: more than the push's own bound (500 ms), so the push lands before Lambda kills it.
    timeoutMarginMs: numberSetting('LAMBDA_TIMEOUT_MARGIN_MS', env.LAMBDA_TIMEOUT_MARGIN_MS, 800, {
      min: 100,
      max: 10_000,
    }),
  };
}
