import type { AppMetrics } from '@brainbytes/telemetry/metrics';
import { z } from 'zod';
import { refused } from '../errors';
import { parseBody } from '../http';

/** The app's pages; anything else is `other`, so a page label stays bounded. */
export const PAGES = ['/', '/ask', '/sessions', '/subjects', '/login', '/signup'] as const;
export const MAX_EVENTS = 100;

const common = {
  page: z.string().max(200, 'at most 200 characters'),
  client_type: z.enum(['mobile', 'desktop', 'unknown']),
  connection: z.enum(['4g', '3g', '2g', 'slow-2g', 'unknown']),
};
// Ranges are what a browser can report; anything outside is a bug or a forgery, refused.
const event = z.discriminatedUnion('type', [
  z.object({ type: z.literal('page_view'), ...common }),
  z.object({
    type: z.literal('action'),
    action: z.enum(['ask', 'subject_change', 'language_switch', 'retry']),
    ...common,
  }),
  z.object({ type: z.literal('error'), kind: z.enum(['js', 'api']), ...common }),
  z.object({
    type: z.literal('vital'),
    name: z.enum(['LCP', 'FCP', 'TTFB', 'INP', 'CLS']),
    value: z.number().min(0, 'must be ≥ 0').max(120_000, 'must be ≤ 120000 (milliseconds; CLS ≤ 10)'),
    ...common,
  }),
  z.object({
    type: z.literal('transfer'),
    bytes: z.number().int().min(0).max(50_000_000, 'must be ≤ 50000000'),
    ...common,
  }),
  z.object({
    type: z.literal('connection'),
    event: z.enum(['offline', 'online', 'timeout', 'failed', 'replayed']),
    ...common,
  }),
]);
const batch = z.object({ events: z.array(event).min(1, 'at least one event') });

export type RumEvent = z.infer<typeof event>;

const pageOf = (page: string) => ((PAGES as readonly string[]).includes(page) ? page : 'other');

/**
 * The compact body the app sends (web/lib/rum.ts), a fifth of the plain one: events grouped by
 * page, client type and connection, each a short array — `["pv"]`, `["a", action]`,
 * `["e", kind]`, `["v", name, ms]`, `["t", bytes]`, `["c", event]`:
 * `{"g":[{"p":"/ask","c":"mobile","n":"3g","e":[["pv"],["v","LCP",2300],["a","ask"]]}]}`.
 * Expanded into the plain form, then validated exactly as a plain batch is.
 */
const TAGS = {
  pv: 'page_view',
  a: 'action',
  e: 'error',
  v: 'vital',
  t: 'transfer',
  c: 'connection',
} as const;
const FIELDS: Record<keyof typeof TAGS, string[]> = {
  pv: [],
  a: ['action'],
  e: ['kind'],
  v: ['name', 'value'],
  t: ['bytes'],
  c: ['event'],
};

function expandCompact(body: unknown): unknown {
  const groups = (body as { g?: unknown } | null)?.g;
  if (groups === undefined) return body;
  if (!Array.isArray(groups)) throw refused('invalid', 'g: must be an array of event groups');
  let count = 0;
  for (const group of groups) count += Array.isArray(group?.e) ? group.e.length : 0;
  if (count > MAX_EVENTS)
    throw refused('too_large', `batch has ${count} events; send at most ${MAX_EVENTS} per request`);
  const events: unknown[] = [];
  for (const [i, group] of groups.entries()) {
    if (!group || typeof group !== 'object' || !Array.isArray(group.e))
      throw refused(
        'invalid',
        `g.${i}: must be {"p": page, "c": client type, "n": connection, "e": [events]}`,
      );
    for (const [j, compact] of (group.e as unknown[]).entries()) {
      const [tag, ...values] = Array.isArray(compact) ? compact : [];
      if (typeof tag !== 'string' || !Object.hasOwn(TAGS, tag))
        throw refused(
          'invalid',
          `g.${i}.e.${j}: the first item must be one of ${Object.keys(TAGS).join(', ')}`,
        );
      const fields = FIELDS[tag as keyof typeof TAGS];
      events.push({
        type: TAGS[tag as keyof typeof TAGS],
        page: group.p,
        client_type: group.c,
        connection: group.n,
        ...Object.fromEntries(fields.map((field, k) => [field, values[k]])),
      });
    }
  }
  return { events };
}

/** Validates a whole batch first, so a batch with one bad event records nothing. */
export function parseRumBatch(raw: unknown): RumEvent[] {
  const body = expandCompact(raw);
  const given = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(given))
    throw refused('invalid', 'events: must be an array of RUM events ({"events": [...]})');
  const count = given.length;
  if (count > MAX_EVENTS)
    throw refused('too_large', `batch has ${count} events; send at most ${MAX_EVENTS} per request`);
  const events = parseBody(batch, body).events;
  for (const [i, e] of events.entries()) {
    if (e.type === 'vital' && e.name === 'CLS' && e.value > 10)
      throw refused('invalid', `events.${i}.value: CLS must be ≤ 10`);
  }
  return events;
}

export function recordRum(events: RumEvent[], m: AppMetrics) {
  for (const e of events) {
    const page = pageOf(e.page);
    const { client_type, connection } = e;
    switch (e.type) {
      case 'page_view':
        m.webPageViews.inc({ page, client_type, connection });
        break;
      case 'action':
        m.webUserActions.inc({ action: e.action, page, client_type });
        break;
      case 'error':
        m.webErrors.inc({ kind: e.kind, page, client_type });
        break;
      case 'vital':
        if (e.name === 'CLS') m.webCls.observe({ page, client_type, connection }, e.value);
        else m.webVitals.observe({ metric: e.name, page, client_type, connection }, e.value / 1000);
        break;
      case 'transfer':
        m.webTransferBytes.observe({ page, client_type, connection }, e.bytes);
        break;
      case 'connection':
        m.webConnectionEvents.inc({ event: e.event, client_type });
        break;
    }
  }
}

/** A batch's id (`"i"`, from the page's outbox: web/lib/rum-client.ts), or undefined without one. */
export function rumBatchId(raw: unknown): string | undefined {
  const id = (raw as { i?: unknown } | null)?.i;
  if (id === undefined) return undefined;
  if (typeof id !== 'string' || !/^[0-9a-z]{8,32}$/.test(id))
    throw refused('invalid', 'i: must be a batch id of 8 to 32 lowercase letters and digits');
  return id;
}

/**
 * The batch ids this process recorded lately: a page sends a batch again when it never saw the
 * answer (it was leaving), and a batch seen here is answered without being counted twice. Bounded:
 * past `capacity` the oldest id is forgotten (≈60 B each).
 */
export class RecentBatches {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 20_000) {}

  /** True the first time an id is seen. */
  first(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}

/**
 * Batches per client per minute, for an endpoint anyone may call. Bounded: past `maxClients`
 * the oldest client is forgotten.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly perMinute: number,
    private readonly maxClients = 10_000,
  ) {}

  allow(client: string, now = Date.now()): boolean {
    let window = this.windows.get(client);
    if (!window || now - window.start >= 60_000) {
      this.windows.delete(client);
      window = { start: now, count: 0 };
      this.windows.set(client, window);
      if (this.windows.size > this.maxClients) this.windows.delete(this.windows.keys().next().value!);
    }
    return ++window.count <= this.perMinute;
  }
}
