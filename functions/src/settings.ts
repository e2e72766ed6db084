import { ConfigError } from '@brainbytes/telemetry';
import type { Rate } from './api/rate-limits';

/**
 * A number from the environment, checked where it is read: a value the code cannot use (0.5 where
 * a whole number is needed, a negative timeout) stops the start with the variable's name.
 */
export function numberSetting(
  name: string,
  text: string | undefined,
  fallback: number,
  {
    min = 0,
    max = Number.MAX_SAFE_INTEGER,
    integer = false,
  }: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const value = Number(text?.trim() || fallback);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'a whole number' : 'a number';
    throw new ConfigError(`${name}="${text}" must be ${kind} from ${min} to ${max}`);
  }
  return value;
}

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
