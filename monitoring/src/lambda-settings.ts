import { ConfigError } from '@brainbytes/telemetry/service/config-error';
import type { Env } from '@brainbytes/telemetry/service/settings';

/** Lambda's list prices per GB-second and per request. */
export interface LambdaPrice {
  gbSecondDollars: number;
  requestDollars: number;
}

/**
 * On-demand Lambda prices by region and architecture (aws.amazon.com/lambda/pricing, checked
 * 2026-11; the first tier, up to 6 billion GB-s a month for arm64 and 7.5 billion for x86_64,
 * far beyond us). serverless.yml deploys arm64 to ap-southeast-1: a test holds the two together.
 */
export const LAMBDA_PRICES: Record<string, LambdaPrice> = {
  'ap-southeast-1/arm64': { gbSecondDollars: 0.0000133334, requestDollars: 0.0000002 },
  'ap-southeast-1/x86_64': { gbSecondDollars: 0.0000166667, requestDollars: 0.0000002 },
  'us-east-1/arm64': { gbSecondDollars: 0.0000133334, requestDollars: 0.0000002 },
  'us-east-1/x86_64': { gbSecondDollars: 0.0000166667, requestDollars: 0.0000002 },
};
export const DEFAULT_LAMBDA_PRICING = 'ap-southeast-1/arm64';

/** What AWS gives every account each month, whatever runs in it (the free tier does not expire). */
export const LAMBDA_FREE_TIER = { gbSeconds: 400_000, requests: 1_000_000 } as const;

export interface LambdaMonitoring {
  /** LAMBDA_PRICING: `region/architecture` as serverless.yml deploys. */
  pricing: string;
  price: LambdaPrice;
  /**
   * LAMBDA_FREE_TIER_SHARE (0–1, default 1): how much of the account's free tier this stack may
   * count. 0 for an account whose other workloads already use it.
   */
  freeTierShare: number;
  /** LAMBDA_COLD_START_P95_SECONDS (default 2): LambdaColdStartsSlow above it. */
  coldStartP95Seconds: number;
}

export function loadLambdaMonitoring(env: Env): LambdaMonitoring {
  const pricing = env.LAMBDA_PRICING?.trim() || DEFAULT_LAMBDA_PRICING;
  const price = LAMBDA_PRICES[pricing];
  if (!price)
    throw new ConfigError(
      `LAMBDA_PRICING="${pricing}" has no price here: use one of ${Object.keys(LAMBDA_PRICES).join(', ')} (or add the region's prices to monitoring/src/lambda-settings.ts)`,
    );
  const share = Number(env.LAMBDA_FREE_TIER_SHARE?.trim() || '1');
  if (!Number.isFinite(share) || share < 0 || share > 1)
    throw new ConfigError(
      `LAMBDA_FREE_TIER_SHARE="${env.LAMBDA_FREE_TIER_SHARE}" must be from 0 (none of the free tier is ours) to 1 (all of it)`,
    );
  const p95 = Number(env.LAMBDA_COLD_START_P95_SECONDS?.trim() || '2');
  if (!Number.isFinite(p95) || p95 <= 0 || p95 > 10)
    throw new ConfigError(
      `LAMBDA_COLD_START_P95_SECONDS="${env.LAMBDA_COLD_START_P95_SECONDS}" must be a number of seconds above 0, at most Lambda's 10 s INIT limit`,
    );
  return { pricing, price, freeTierShare: share, coldStartP95Seconds: p95 };
}
