import { parseRumBatch } from '@brainbytes/functions/contracts';
import { describe, expect, it } from 'vitest';
import { clientType, connection } from '../lib/client-info';
import { RumBatcher, type RumEvent } from '../lib/rum';

const view = (page = '/ask'): RumEvent => ({
  type: 'page_view',
  page,
  client_type: 'mobile',
  connection: '3g',
});

function manualTimers() {
  const timers: (() => void)[] = [];
  return {
    setTimer: (fn: () => void) => timers.push(fn),
    clearTimer: () => timers.splice(0),
    fire: () => {
      for (const fn of timers.splice(0)) fn();
    },
    get count() {
      return timers.length;
    },
  };
}

describe('RumBatcher', () => {
  it('sends a batch as soon as maxEvents are waiting, in a body the API accepts', () => {
    const sent: string[] = [];
    const rum = new RumBatcher({ send: (b) => sent.push(b) > 0, maxEvents: 3, ...manualTimers() });
    rum.add(view());
    rum.add({
      type: 'vital',
      name: 'LCP',
      value: 2300,
      page: '/ask',
      client_type: 'mobile',
      connection: '3g',
    });
    expect(sent).toEqual([]);
    rum.add({
      type: 'connection',
      event: 'replayed',
      page: '/ask',
      client_type: 'desktop',
      connection: 'unknown',
    });
    expect(sent).toHaveLength(1);
    expect(parseRumBatch(JSON.parse(sent[0] as string))).toHaveLength(3);
    expect(rum.pending).toBe(0);
  });

  it('sends what is waiting after flushAfterMs, and on flush (page hidden)', () => {
    const sent: string[] = [];
    const timers = manualTimers();
    const rum = new RumBatcher({ send: (b) => sent.push(b) > 0, ...timers });
    rum.add(view());
    rum.add(view('/sessions'));
    expect(timers.count).toBe(1); // one timer for the batch, not one per event
    timers.fire();
    expect(parseRumBatch(JSON.parse(sent[0] as string))).toHaveLength(2);
    rum.add(view());
    rum.flush();
    expect(sent).toHaveLength(2);
    expect(timers.count).toBe(0);
  });

  it('keeps a batch the browser would not take, for the next flush, and never holds more than 100', () => {
    let accept = false;
    const sent: string[] = [];
    const rum = new RumBatcher({ send: (b) => accept && sent.push(b) > 0, maxEvents: 20, ...manualTimers() });
    for (let i = 0; i < 150; i++) rum.add(view());
    expect(rum.pending).toBe(100);
    accept = true;
    rum.flush();
    expect(sent).toHaveLength(5);
    for (const body of sent) expect(parseRumBatch(JSON.parse(body)).length).toBeLessThanOrEqual(20);
  });

  it('keeps bodies small: a 10-question visit is one body of under 350 B (a fifth of the plain form), read back event for event', () => {
    const sent: string[] = [];
    const rum = new RumBatcher({ send: (b) => sent.push(b) > 0, ...manualTimers() });
    const on = { page: '/ask', client_type: 'mobile', connection: '3g' } as const;
    const visit: RumEvent[] = [
      { type: 'page_view', ...on },
      { type: 'vital', name: 'TTFB', value: 2103.4, ...on },
      { type: 'vital', name: 'FCP', value: 2420.7, ...on },
      { type: 'vital', name: 'LCP', value: 2420.7, ...on },
      { type: 'vital', name: 'CLS', value: 0.0123, ...on },
      { type: 'transfer', bytes: 158_900, ...on },
      ...Array.from({ length: 10 }, () => ({ type: 'action', action: 'ask', ...on }) as RumEvent),
      { type: 'page_view', page: '/sessions', client_type: 'mobile', connection: '3g' },
    ];
    for (const e of visit) rum.add(e);
    expect(sent).toEqual([]); // nothing until the page is hidden
    rum.flush();
    expect(sent).toHaveLength(1);
    expect(Buffer.byteLength(sent[0] as string)).toBeLessThan(350);
    expect(Buffer.byteLength(JSON.stringify({ events: visit }))).toBeGreaterThan(1400); // the plain form
    const back = parseRumBatch(JSON.parse(sent[0] as string));
    expect(back).toEqual(
      // Vitals travel rounded: milliseconds whole, CLS to three decimals.
      visit.map((e) =>
        e.type !== 'vital'
          ? e
          : { ...e, value: e.name === 'CLS' ? Math.round(e.value * 1000) / 1000 : Math.round(e.value) },
      ),
    );
  });
});

describe('client info', () => {
  const nav = (extra: object) => ({ userAgent: '', ...extra }) as unknown as Navigator;
  it('tells phones from computers', () => {
    expect(
      clientType(nav({ userAgent: 'Mozilla/5.0 (Linux; Android 13; SM-A146P) Mobile Safari/537.36' })),
    ).toBe('mobile');
    expect(clientType(nav({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0' }))).toBe('desktop');
    expect(clientType(nav({ userAgent: 'Android', userAgentData: { mobile: false } }))).toBe('desktop');
    expect(clientType(undefined)).toBe('unknown');
  });
  it('reads the effective connection type, unknown where the browser has none', () => {
    expect(connection(nav({ connection: { effectiveType: '3g' } }))).toBe('3g');
    expect(connection(nav({ connection: { effectiveType: '5g' } }))).toBe('unknown');
    expect(connection(nav({}))).toBe('unknown');
  });
});
