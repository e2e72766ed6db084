import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers for one request, in turn: a status (429, 500 …), bad JSON, or no answer at all. */
export type Fault = 429 | 500 | 503 | 'malformed' | 'hang' | 'invalid';

export interface FakeApp {
  name: string;
  dynos: Array<{ type: string; size: string; state: string; n: number }>;
  formation: Array<{ type: string; quantity: number; size: string }>;
  releases: number;
  addons: Array<{ service: string; plan: string; cents: number | null; contract?: boolean }>;
  runtimeMetrics: boolean;
}

const now = () => new Date().toISOString();
const ref = (name: string) => ({ id: randomUUID(), name });

/**
 * A Platform API v3 stand-in with the reference's JSON shapes
 * (https://devcenter.heroku.com/articles/platform-api-reference): Range pagination with 206 and
 * Next-Range, RateLimit-Remaining headers, and faults queued per path.
 */
export class FakePlatformApi {
  readonly requests: Array<{ path: string; headers: http.IncomingHttpHeaders }> = [];
  readonly faults = new Map<string, Fault[]>();
  pageSize = 200;
  rateLimitRemaining = 4500;
  releaseCreatedAt = new Date(Date.now() - 3600_000).toISOString();
  private server = http.createServer((req, res) => this.handle(req, res));
  private hung: http.ServerResponse[] = [];
  url = '';

  constructor(
    public apps: FakeApp[],
    readonly token = 'heroku-test-token',
  ) {}

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop() {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  fail(path: string, ...faults: Fault[]) {
    this.faults.set(path, [...(this.faults.get(path) ?? []), ...faults]);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]!;
    this.requests.push({ path, headers: req.headers });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'RateLimit-Remaining': String(this.rateLimitRemaining),
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return json(401, { id: 'unauthorized', message: 'Invalid credentials provided.' });
    if (req.headers.accept !== 'application/vnd.heroku+json; version=3')
      return json(406, { id: 'not_acceptable', message: 'bad Accept' });
    const fault = this.faults.get(path)?.shift();
    if (fault === 'hang') return void this.hung.push(res);
    if (fault === 'malformed') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end('{"id": "oops", ');
    }
    if (fault === 429)
      return json(
        429,
        { id: 'rate_limit', message: 'Your account reached the API rate limit' },
        { 'RateLimit-Remaining': '0' },
      );
    if (typeof fault === 'number')
      return json(fault, { id: 'server_error', message: 'Internal server error.' });
    const body = this.route(path, req.headers.range, fault === 'invalid');
    if (body === undefined) return json(404, { id: 'not_found', message: `Couldn't find that ${path}.` });
    if (!Array.isArray(body.items)) return json(200, body.items);
    return this.page(body.items, req.headers.range, json);
  }

  /** Range `id ..; max=N` or `]<last id>..; max=N` as the API pages lists. */
  private page(
    items: Array<Record<string, unknown>>,
    range: string | undefined,
    json: (s: number, b: unknown, h?: Record<string, string>) => void,
  ) {
    if (range?.startsWith('version ..; order=desc')) {
      const max = Number(/max=(\d+)/.exec(range)?.[1] ?? 200);
      const sorted = [...items].sort((a, b) => Number(b.version) - Number(a.version));
      const headers: Record<string, string> =
        sorted.length > max ? { 'Next-Range': `]${sorted[max - 1]!.version}..; order=desc, max=${max}` } : {};
      return json(sorted.length > max ? 206 : 200, sorted.slice(0, max), headers);
    }
    const after = /^\](\S+)\.\./.exec(range ?? '')?.[1];
    const start = after ? items.findIndex((i) => i.id === after) + 1 : 0;
    const page = items.slice(start, start + this.pageSize);
    const more = start + this.pageSize < items.length;
    return json(
      more ? 206 : 200,
      page,
      more ? { 'Next-Range': `]${page[page.length - 1]!.id}..; max=${this.pageSize}` } : {},
    );
  }

  private route(path: string, _range: string | undefined, invalid: boolean): { items: unknown } | undefined {
    const appJson = (a: FakeApp) => ({
      id: `app-${a.name}`,
      name: a.name,
      region: ref('us'),
      stack: ref('heroku-24'),
      created_at: now(),
      web_url: `https://${a.name}.herokuapp.com/`,
    });
    if (path === '/apps') return { items: this.apps.map(appJson) };
    if (path === '/dyno-sizes') {
      return {
        items: [
          { id: 'size-eco', name: 'Eco', compute: 1, cost: null, dedicated: false, memory: 0.5 },
          {
            id: 'size-basic',
            name: 'Basic',
            compute: 1,
            cost: { cents: 700, unit: 'month' },
            dedicated: false,
            memory: 0.5,
          },
          {
            id: 'size-standard-1x',
            name: 'Standard-1X',
            compute: 1,
            cost: { cents: 2500, unit: 'month' },
            dedicated: false,
            memory: 0.5,
          },
          { id: 'size-standard-2x', name: 'Standard-2X', compute: 2, dedicated: false, memory: 1 },
        ],
      };
    }
    if (path === '/account/rate-limits') return { items: { remaining: this.rateLimitRemaining } };
    const match = /^\/apps\/([^/]+)(?:\/(\w+))?$/.exec(path);
    const app = this.apps.find((a) => a.name === match?.[1]);
    if (!match || !app) return undefined;
    switch (match[2]) {
      case undefined:
        return { items: appJson(app) };
      case 'dynos':
        return {
          items: app.dynos.flatMap((d) =>
            Array.from({ length: d.n }, (_, i) => ({
              id: `${app.name}-${d.type}-${d.size}-${i + 1}`,
              name: `${d.type}.${i + 1}`,
              type: d.type,
              size: d.size,
              ...(invalid ? {} : { state: d.state }),
              command: 'npm start',
              app: { id: `app-${app.name}`, name: app.name },
              release: { id: randomUUID(), version: app.releases },
              created_at: now(),
              updated_at: now(),
            })),
          ),
        };
      case 'formation':
        return {
          items: app.formation.map((f) => ({
            id: `${app.name}-${f.type}`,
            ...f,
            command: 'npm start',
            app: { id: `app-${app.name}`, name: app.name },
          })),
        };
      case 'releases':
        return {
          items: Array.from({ length: app.releases }, (_, i) => ({
            id: `${app.name}-v${i + 1}`,
            version: i + 1,
            status: 'succeeded',
            current: i + 1 === app.releases,
            description: `Deploy ${i + 1}`,
            created_at:
              i + 1 === app.releases
                ? this.releaseCreatedAt
                : new Date(Date.now() - 86_400_000).toISOString(),
          })),
        };
      case 'addons':
        return {
          items: app.addons.map((a) => ({
            id: `${app.name}-${a.service}`,
            name: `${a.service}-${randomUUID().slice(0, 8)}`,
            addon_service: ref(a.service),
            plan: ref(`${a.service}:${a.plan}`),
            billed_price:
              a.cents === null ? null : { cents: a.cents, contract: a.contract ?? false, unit: 'month' },
            state: 'provisioned',
            app: { id: `app-${app.name}`, name: app.name },
          })),
        };
      case 'features':
        return {
          items: [
            {
              id: `${app.name}-lrm`,
              name: 'log-runtime-metrics',
              enabled: app.runtimeMetrics,
              state: 'beta',
              description: 'Emit dyno resource usage',
            },
            {
              id: `${app.name}-rdm`,
              name: 'runtime-dyno-metadata',
              enabled: false,
              state: 'general',
              description: 'Dyno metadata',
            },
          ],
        };
      default:
        return undefined;
    }
  }
}
