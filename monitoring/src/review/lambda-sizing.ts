import type { LambdaPrice } from '../lambda-settings';
import type { Query, Section } from './review';

/** Lambda's memory range (MB). */
const MIN_MB = 128;
const MAX_MB = 10_240;
/** Above this share of memory an invocation is near the out-of-memory kill (LambdaMemoryNearLimit). */
const NEAR_LIMIT = 0.9;
/** Below this share at the smaller size, the smaller size leaves room for a larger request. */
const ROOM = 0.7;

const pct = (n: number) => `${Math.round(100 * n)} %`;
const dollars = (n: number) => `$${n.toFixed(2)}`;

/**
 * The right-sizing line per function: how much of its memory it used at most over the period, what
 * this month so far would have cost at half and at twice its memory, and which way the evidence
 * points. Lambda's cost is memory × billed time; the other sizes are priced with the same billed
 * time — exact for a handler that waits (on the AI provider, the database), an upper bound for a
 * larger size and a lower bound for a smaller one where the handler computes (Lambda's CPU
 * grows with memory).
 */
export async function lambdaSizing(
  query: Query,
  end: number,
  range: string,
  price: LambdaPrice,
): Promise<Section> {
  const byFunction = async (expr: string) =>
    new Map((await query(expr, end)).map((s) => [s.metric.function ?? '', Number(s.value[1])]));
  const [memory, peak, gbSeconds, requests] = await Promise.all([
    byFunction('max by (function) (brainbytes_lambda_memory_megabytes)'),
    byFunction(`max by (function) (max_over_time(brainbytes_lambda_max_memory_used_ratio[${range}]))`),
    byFunction('function:brainbytes_lambda_billed_gb_seconds:month_to_date'),
    byFunction('max by (function) (brainbytes_lambda_invocations_month_to_date)'),
  ]);
  const rows: string[][] = [];
  const lines: string[] = [];
  for (const fn of [...memory.keys()].sort()) {
    const mb = memory.get(fn) as number;
    const used = peak.get(fn);
    const gbs = gbSeconds.get(fn) ?? 0;
    const cost = (size: number) =>
      gbs * (size / mb) * price.gbSecondDollars + (requests.get(fn) ?? 0) * price.requestDollars;
    const smaller = Math.max(MIN_MB, mb / 2);
    const larger = Math.min(MAX_MB, mb * 2);
    const usedAtSmaller = used === undefined ? undefined : (used * mb) / smaller;
    const verdict =
      used === undefined
        ? 'no memory data (is its MaxMemoryUsed metric filter deployed?)'
        : used >= NEAR_LIMIT
          ? `points larger: it used ${pct(used)} of ${mb} MB; at ${larger} MB this month would cost at most ${dollars(cost(larger))}`
          : smaller < mb && (usedAtSmaller as number) < ROOM
            ? `points smaller: at ${smaller} MB it would have used ${pct(usedAtSmaller as number)}, and this month would cost ${dollars(cost(smaller))} instead of ${dollars(cost(mb))} if its time stays (it waits on the AI provider or the database; a handler that computes would run longer and save less)`
            : `stays: at ${smaller} MB it would have used ${pct(usedAtSmaller as number)}, too near the limit`;
    lines.push(`${fn}: ${verdict}.`);
    rows.push([
      fn,
      `${mb} MB`,
      used === undefined ? '—' : `${pct(used)} (headroom ${pct(1 - used)})`,
      dollars(cost(mb)),
      `${dollars(cost(smaller))} at ${smaller} MB`,
      `${dollars(cost(larger))} at ${larger} MB`,
    ]);
  }
  if (!lines.length) lines.push('No Lambda functions reported (the exporter’s LAMBDA_FUNCTIONS is empty).');
  return {
    title: 'Lambda right-sizing',
    lines,
    tables: [
      {
        columns: [
          'function',
          'memory',
          'most used',
          'this month (gross)',
          'half the memory',
          'twice the memory',
        ],
        rows,
      },
    ],
  };
}
