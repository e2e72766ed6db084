import { describe, expect, it } from 'vitest';
import { CostAccrual, dynoPrices, monthlyRunRate, monthPosition } from './cost';

describe('monthlyRunRate', () => {
  it('adds formation × dyno price and add-on prices, reporting unpriced sizes and Eco use', () => {
    const prices = dynoPrices([{ name: 'Standard-1X', cost: { cents: 2500, unit: 'month' } }]);
    const rate = monthlyRunRate(
      [
        { type: 'web', quantity: 3, size: 'Standard-1X' },
        { type: 'clock', quantity: 1, size: 'Eco' },
        { type: 'gpu', quantity: 1, size: 'Mystery-9X' },
      ],
      [
        {
          addon_service: { name: 'heroku-postgresql' },
          plan: { name: 'essential-1' },
          billed_price: { cents: 900, unit: 'month' },
        },
      ],
      prices,
    );
    expect(rate).toEqual({ dynos: 75, addons: 9, usesEco: true, unpriced: ['mystery-9x'] });
  });
});

describe('CostAccrual', () => {
  it('starts from the month-to-date estimate, integrates, and starts again with a new month', () => {
    const accrual = new CostAccrual();
    const mid = Date.UTC(2026, 10, 16); // 15 of November's 30 days gone
    accrual.tick(mid, new Map([['api', 300]]));
    expect(Object.fromEntries(accrual.entries()).api).toBeCloseTo(150);
    accrual.tick(mid + 86_400_000, new Map([['api', 300]]));
    expect(Object.fromEntries(accrual.entries()).api).toBeCloseTo(160);
    accrual.tick(Date.UTC(2026, 11, 1, 12), new Map([['api', 310]]));
    expect(Object.fromEntries(accrual.entries()).api).toBeCloseTo((310 * 0.5) / 31);
  });
  it('applies the month-to-date estimate to an app first seen after the first tick (a scrape before the first poll)', () => {
    const accrual = new CostAccrual();
    const mid = Date.UTC(2026, 0, 16); // 15 of January's 31 days gone
    accrual.tick(mid, new Map()); // Prometheus scraped before the Platform API answered
    accrual.tick(mid + 1_000, new Map([['api', 60]]));
    expect(Object.fromEntries(accrual.entries()).api).toBeCloseTo(
      (60 * (15 * 86_400 + 1)) / (31 * 86_400),
      4,
    );
  });
  it('carries on from saved state of this month, ignores last month’s, and never goes down', () => {
    const mid = Date.UTC(2026, 10, 16);
    const saved = new CostAccrual();
    saved.tick(mid, new Map([['api', 300]]));
    const restarted = new CostAccrual();
    expect(restarted.restore(saved.state(), mid + 3_600_000)).toBe(true);
    // Scaled down to $30 a month while it was away: the hour away accrues at the new rate, on top.
    restarted.tick(mid + 3_600_000, new Map([['api', 30]]));
    expect(Object.fromEntries(restarted.entries()).api).toBeCloseTo(150 + 30 / (30 * 24), 6);
    restarted.tick(mid, new Map([['api', 30]])); // the clock stepped back
    expect(Object.fromEntries(restarted.entries()).api).toBeCloseTo(150 + 30 / (30 * 24), 6);
    expect(new CostAccrual().restore(saved.state(), Date.UTC(2026, 11, 2))).toBe(false);
  });
  it('knows month lengths', () => expect(monthPosition(Date.UTC(2028, 1, 10)).seconds).toBe(29 * 86_400));
});
