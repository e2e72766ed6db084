import type { AddOn, DynoSize, Formation } from '../platform/schemas';

/**
 * Heroku's published list prices per dyno per month (USD), as of 2025-06, for when /dyno-sizes
 * carries no cost. Eco dynos are covered by the account's flat Eco plan instead.
 */
export const DYNO_PRICE_TABLE: Readonly<Record<string, number>> = {
  eco: 0,
  basic: 7,
  'standard-1x': 25,
  'standard-2x': 50,
  'performance-m': 250,
  'performance-l': 500,
  'performance-l-ram': 500,
  'performance-xl': 750,
  'performance-2xl': 1500,
};
export const DYNO_PRICE_TABLE_DATE = '2025-06';

const HOURS_PER_MONTH = 730;

export interface DynoPrice {
  dollars: number;
  source: 'api' | 'table';
}

/** Monthly dollars per dyno size: the API's cost when it gives one, else the dated table. */
export function dynoPrices(sizes: readonly DynoSize[]): Map<string, DynoPrice> {
  const prices = new Map<string, DynoPrice>();
  for (const [name, dollars] of Object.entries(DYNO_PRICE_TABLE))
    prices.set(name, { dollars, source: 'table' });
  for (const size of sizes) {
    const cents = size.cost?.cents;
    if (typeof cents !== 'number') continue;
    const unit = String(size.cost?.unit ?? 'month').toLowerCase();
    const dollars = unit.startsWith('hour') ? (cents / 100) * HOURS_PER_MONTH : cents / 100;
    prices.set(size.name.toLowerCase(), { dollars, source: 'api' });
  }
  return prices;
}

export function addOnMonthlyDollars(addon: AddOn): number {
  const price = addon.billed_price;
  if (!price || price.contract || typeof price.cents !== 'number') return 0;
  const unit = String(price.unit ?? 'month').toLowerCase();
  return unit.startsWith('hour') ? (price.cents / 100) * HOURS_PER_MONTH : price.cents / 100;
}

export interface RunRate {
  dynos: number;
  addons: number;
  usesEco: boolean;
  /** Sizes in the formation with no known price: counted at 0 and reported, never silently. */
  unpriced: string[];
}

/** An app's monthly run-rate: formation × dyno price + add-on prices. */
export function monthlyRunRate(
  formation: readonly Formation[],
  addons: readonly AddOn[],
  prices: Map<string, DynoPrice>,
): RunRate {
  let dynos = 0;
  const unpriced: string[] = [];
  let usesEco = false;
  for (const process of formation) {
    if (process.quantity === 0) continue;
    const size = process.size.toLowerCase();
    if (size === 'eco') usesEco = true;
    const price = prices.get(size);
    if (price) dynos += process.quantity * price.dollars;
    else unpriced.push(size);
  }
  const addonDollars = addons.reduce((sum, addon) => sum + addOnMonthlyDollars(addon), 0);
  return { dynos, addons: addonDollars, usesEco, unpriced };
}

/** Seconds in the UTC calendar month containing `ms`, and how far into it `ms` is. */
export function monthPosition(ms: number): { start: number; seconds: number; elapsed: number } {
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { start, seconds: (end - start) / 1000, elapsed: (ms - start) / 1000 };
}

/** What `CostAccrual` keeps across restarts: per key, dollars so far this month and when last advanced. */
export interface AccrualState {
  version: 1;
  /** The UTC month (ms at its first instant) the dollars belong to. */
  month: number;
  keys: Record<string, { dollars: number; atMs: number }>;
}

/** Saved state this exporter did not write as it is: refused whole, with why. */
export class StateRefused extends Error {
  override name = 'StateRefused';
}

/** A clock on another dyno may run a little ahead; a saved time further ahead than this is tampered. */
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_KEYS = 10_000;

/** The saved accrual, checked field by field: version, a month start, and finite, non-negative dollars at past times. */
function validAccrualState(saved: unknown, nowMs: number): AccrualState {
  const state = saved as Partial<AccrualState> | null;
  if (typeof state !== 'object' || state === null) throw new StateRefused('it is not an object');
  if (state.version !== 1) throw new StateRefused(`version ${String(state.version)} is not 1`);
  if (typeof state.month !== 'number' || monthPosition(state.month).start !== state.month) {
    throw new StateRefused('its month is not the first instant of a UTC month');
  }
  if (typeof state.keys !== 'object' || state.keys === null || Array.isArray(state.keys)) {
    throw new StateRefused('it has no keys object');
  }
  const entries = Object.entries(state.keys);
  if (entries.length > MAX_KEYS) throw new StateRefused(`it has more than ${MAX_KEYS} keys`);
  for (const [key, k] of entries) {
    const ok =
      typeof k === 'object' &&
      k !== null &&
      typeof k.dollars === 'number' &&
      Number.isFinite(k.dollars) &&
      k.dollars >= 0 &&
      typeof k.atMs === 'number' &&
      k.atMs >= state.month &&
      k.atMs <= nowMs + CLOCK_SKEW_MS;
    if (!ok) throw new StateRefused(`key "${key.slice(0, 64)}" has dollars or a time that cannot be`);
  }
  return state as AccrualState;
}

/**
 * Dollars accrued this UTC month per key, integrating the run-rate over time; it never decreases
 * within a month. A key seen for the first time this month starts from the month-to-date estimate
 * at its run-rate (at start, or when the first Platform API poll lands after a scrape that found
 * nothing yet); a key restored from saved state carries on from its saved dollars, the gap since
 * then accrued at the run-rate of the first poll after it. A new month starts every key again.
 */
export class CostAccrual {
  private keys = new Map<string, { dollars: number; atMs: number }>();
  private month = -1;

  /**
   * Carries on from saved state if it is this month's ('restored'), or says it belongs to another
   * month ('other_month', nothing taken). State that is not what this class writes is refused
   * whole (StateRefused): tampered or damaged state is never half-taken.
   */
  restore(saved: unknown, nowMs: number): 'restored' | 'other_month' {
    const state = validAccrualState(saved, nowMs);
    if (state.month !== monthPosition(nowMs).start) return 'other_month';
    this.month = state.month;
    this.keys = new Map(
      Object.entries(state.keys).map(([key, k]) => [key, { dollars: k.dollars, atMs: k.atMs }]),
    );
    return 'restored';
  }

  /**
   * Raises each key to what `saved` holds where that is more (another exporter process saved it,
   * during a rolling restart): what is saved never goes down. Invalid state is refused.
   */
  atLeast(saved: unknown, nowMs: number) {
    const state = validAccrualState(saved, nowMs);
    if (state.month !== this.month) return;
    for (const [key, k] of Object.entries(state.keys)) {
      const known = this.keys.get(key);
      if (!known) this.keys.set(key, { dollars: k.dollars, atMs: k.atMs });
      else if (k.dollars > known.dollars) {
        known.dollars = k.dollars;
        known.atMs = Math.max(known.atMs, k.atMs);
      }
    }
  }

  state(): AccrualState {
    return {
      version: 1,
      month: this.month,
      keys: Object.fromEntries([...this.keys].map(([key, k]) => [key, { ...k }])),
    };
  }

  tick(nowMs: number, runRates: ReadonlyMap<string, number>) {
    const position = monthPosition(nowMs);
    if (position.start !== this.month) {
      this.keys.clear();
      this.month = position.start;
    }
    for (const [key, rate] of runRates) {
      const known = this.keys.get(key);
      if (!known) {
        this.keys.set(key, { dollars: (rate * position.elapsed) / position.seconds, atMs: nowMs });
        continue;
      }
      // A clock that steps back adds nothing; spend never goes down.
      const seconds = Math.max(0, nowMs - known.atMs) / 1000;
      known.dollars += (rate * seconds) / position.seconds;
      known.atMs = Math.max(known.atMs, nowMs);
    }
  }

  *entries(): IterableIterator<[string, number]> {
    for (const [key, k] of this.keys) yield [key, k.dollars];
  }
}
