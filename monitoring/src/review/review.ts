import { splitUrlCredentials } from '@brainbytes/telemetry/service';
import { DEFAULT_LAMBDA_PRICING, LAMBDA_PRICES, type LambdaPrice } from '../lambda-settings';
import { lambdaSizing } from './lambda-sizing';
import {
  alertsSection,
  biggestChanges,
  type Change,
  num,
  reliabilitySection,
  spendSection,
  studentsSection,
} from './sections';

/**
 * The review the design asks for each week, month and quarter, done by the system: what fired,
 * how reliable and fast the app was, who studied and when, what it cost — against the period
 * before. Every number is one PromQL query at the period's end.
 */
export const PERIODS = { week: 7, month: 30, quarter: 91 } as const;
export type Period = keyof typeof PERIODS;

export interface Table {
  columns: string[];
  rows: string[][];
}
export interface Section {
  title: string;
  lines: string[];
  tables: Table[];
}
export interface Review {
  title: string;
  sections: Section[];
}

export type Sample = { metric: Record<string, string>; value: [number, string] };
export type Query = (expr: string, atSeconds: number) => Promise<Sample[]>;

/** Prometheus's instant query API (credentials in the URL's user:password). */
export function prometheusQuery(url: string): Query {
  const { base, headers } = splitUrlCredentials(url);
  return async (expr, at) => {
    const res = await fetch(`${base}/api/v1/query`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr, time: String(at) }),
    });
    const body = (await res.json()) as { status: string; error?: string; data?: { result: Sample[] } };
    if (body.status !== 'success')
      throw new Error(`Prometheus refused a review query (${body.error}): ${expr}`);
    return body.data?.result ?? [];
  };
}

/** One review's window: queries at its end and at the end of the period before, and the changes they show. */
export interface Window {
  query: Query;
  /** The period as a PromQL range (`7d`). */
  range: string;
  /**
   * A subquery's range over the period in steps of `step` seconds: half a step short, so it holds the
   * period's own steps and not the instant it starts on (the period before's last), which Prometheus 2
   * counts and Prometheus 3 does not.
   */
  steps: (step: number) => string;
  end: number;
  both: (expr: string) => Promise<readonly [Sample[], Sample[]]>;
  scalar: (expr: string) => Promise<readonly [number | undefined, number | undefined]>;
  /** Notes a number and its value the period before, for the biggest changes. */
  compare: (
    what: string,
    now: number | undefined,
    then: number | undefined,
    show: (n: number) => string,
  ) => void;
}

/**
 * Builds the review for the `days` ending at `at` (seconds), and the same for the period before.
 * The period ends on the hour at or before `at`: the questions by Manila hour are hourly windows, and
 * with an end inside an hour the first of them would reach into the period before.
 */
export async function buildReview(
  query: Query,
  period: Period,
  at: number,
  alertRules: string[],
  lambdaPrice: LambdaPrice = LAMBDA_PRICES[DEFAULT_LAMBDA_PRICING] as LambdaPrice,
): Promise<Review> {
  const days = PERIODS[period];
  const range = `${days}d`;
  const end = Math.floor(at / 3600) * 3600;
  const before = end - days * 86400;
  const both = async (expr: string) => [await query(expr, end), await query(expr, before)] as const;
  const changes: Change[] = [];
  const window: Window = {
    query,
    range,
    steps: (step) => `${days * 86400 - step / 2}s:${step}s`,
    end,
    both,
    scalar: async (expr) => {
      const [now, then] = await both(expr);
      return [num(now[0]), num(then[0])] as const;
    },
    compare: (what, now, then, show) => {
      if (
        now !== undefined &&
        then !== undefined &&
        Number.isFinite(now) &&
        Number.isFinite(then) &&
        then !== 0
      )
        changes.push({ what, now, then, show });
    },
  };
  const day = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);
  const sections = [
    await alertsSection(window, alertRules),
    await reliabilitySection(window),
    await studentsSection(window),
    await spendSection(window),
    await lambdaSizing(query, end, range, lambdaPrice),
  ];
  return {
    title: `BrainBytes ${period === 'week' ? 'weekly' : period === 'month' ? 'monthly' : 'quarterly'} review, ${day(before)} to ${day(end)}`,
    sections: [...sections, biggestChanges(changes)],
  };
}
