import { ConfigError } from '@brainbytes/telemetry';
import type { Rate } from './api/rate-limits';

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
