import { describe, expect, it } from 'vitest';
import { CostAccrual, dynoPrices, monthlyRunRate, monthPosition, StateRefused } from './model';

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
    expect(restarted.restore(saved.state(), mid + 3_600_000)).toBe('restored');
    // Scaled down to $30 a month while it was away: the hour away accrues at the new rate, on top.
    restarted.tick(mid + 3_600_000, new Map([['api', 30]]));
    expect(Object.fromEntries(restarted.entries()).api).toBeCloseTo(150 + 30 / (30 * 24), 6);
    restarted.tick(mid, new Map([['api', 30]])); // the clock stepped back
    expect(Object.fromEntries(restarted.entries()).api).toBeCloseTo(150 + 30 / (30 * 24), 6);
    expect(new CostAccrual().restore(saved.state(), Date.UTC(2026, 11, 2))).toBe('other_month');
  });
  it.each<[string, unknown]>([
    ['not an object', 'twenty dollars'],
    ['another version', { version: 2, month: Date.UTC(2026, 10, 1), keys: {} }],
    ['a month that is not a month start', { version: 1, month: Date.UTC(2026, 10, 3), keys: {} }],
    ['no keys', { version: 1, month: Date.UTC(2026, 10, 1) }],
    [
      'negative dollars',
      {
        version: 1,
        month: Date.UTC(2026, 10, 1),
        keys: { api: { dollars: -5, atMs: Date.UTC(2026, 10, 2) } },
      },
    ],
    [
      'dollars as text',
      {
        version: 1,
        month: Date.UTC(2026, 10, 1),
        keys: { api: { dollars: '9e9', atMs: Date.UTC(2026, 10, 2) } },
      },
    ],
    [
      'a time in the future',
      { version: 1, month: Date.UTC(2026, 10, 1), keys: { api: { dollars: 5, atMs: Date.UTC(2027, 0, 1) } } },
    ],
    [
      'a time before its month',
      { version: 1, month: Date.UTC(2026, 10, 1), keys: { api: { dollars: 5, atMs: Date.UTC(2026, 9, 1) } } },
    ],
  ])('refuses saved state whole when it has %s (tampered or damaged)', (_, saved) => {
    const accrual = new CostAccrual();
    expect(() => accrual.restore(saved, Date.UTC(2026, 10, 16))).toThrow(StateRefused);
    expect([...accrual.entries()]).toEqual([]);
  });
  it('never lowers a key below what another process saved (atLeast)', () => {
    const mid = Date.UTC(2026, 10, 16);
    const accrual = new CostAccrual();
    accrual.tick(
      mid,
      new Map([
        ['api', 30],
        ['web', 7],
      ]),
    );
    const other = { version: 1, month: Date.UTC(2026, 10, 1), keys: { api: { dollars: 20, atMs: mid } } };
    accrual.atLeast(other, mid);
    const now = Object.fromEntries(accrual.entries());
    expect(now.api).toBe(20);
    expect(now.web).toBeCloseTo((7 * 15) / 30, 6);
  });
  it('knows month lengths', () => expect(monthPosition(Date.UTC(2028, 1, 10)).seconds).toBe(29 * 86_400));
});
