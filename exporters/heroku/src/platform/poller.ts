import type { Logger } from '@brainbytes/telemetry/service';
import { PollLoop } from '../poll-loop';
import type { PlatformClient } from './client';
import {
  type AddOn,
  type App,
  type AppFeature,
  addOnSchema,
  appSchema,
  type Dyno,
  type DynoSize,
  dynoSchema,
  dynoSizeSchema,
  type Formation,
  featureSchema,
  formationSchema,
  type Release,
  rateLimitSchema,
  releaseSchema,
} from './schemas';

export interface AppState {
  app: App;
  dynos: Dyno[];
  formation: Formation[];
  release: Release | undefined;
  addons: AddOn[];
  features: AppFeature[];
  /** When this app's data was last fetched completely. */
  fetchedAt: number;
}

export interface PlatformSnapshot {
  apps: Map<string, AppState>;
  dynoSizes: DynoSize[];
  rateLimitRemaining: number | undefined;
}

/** What the polls leave for a scrape to read: the latest complete data, and when it was had. */
export class PlatformCache {
  readonly snapshot: PlatformSnapshot = { apps: new Map(), dynoSizes: [], rateLimitRemaining: undefined };
  lastSuccessMs = 0;
  lastPollSeconds = 0;
}

/**
 * Polls the Platform API on a timer into its cache, which a scrape reads without calling Heroku.
 * An app whose fetch fails keeps its last good data; a poll in which anything failed does not
 * count as a success.
 */
export class PlatformPoller extends PollLoop {
  constructor(
    private readonly client: PlatformClient,
    private readonly apps: readonly string[],
    private readonly logger: Logger,
    readonly cache = new PlatformCache(),
    private readonly onPolled: () => void = () => {},
  ) {
    super();
  }

  private get snapshot() {
    return this.cache.snapshot;
  }

  protected async pollOnce() {
    const started = performance.now();
    let ok = true;
    const attempt = async <T>(what: string, fetcher: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await fetcher();
      } catch (error) {
        ok = false;
        this.logger.warn('Heroku API request failed; keeping the last good data', {
          what,
          error: (error as Error).message,
        });
        return undefined;
      }
    };

    const apps = this.apps.length
      ? (
          await Promise.all(
            this.apps.map((name) =>
              attempt(`app ${name}`, () => this.client.get('/apps/{app}', `/apps/${name}`, appSchema)),
            ),
          )
        ).filter((a): a is App => a !== undefined)
      : ((await attempt('apps', () => this.client.list('/apps', '/apps', appSchema))) ?? []);

    const sizes = await attempt('dyno sizes', () =>
      this.client.list('/dyno-sizes', '/dyno-sizes', dynoSizeSchema),
    );
    if (sizes) this.snapshot.dynoSizes = sizes;
    const rate = await attempt('rate limit', () =>
      this.client.get('/account/rate-limits', '/account/rate-limits', rateLimitSchema),
    );
    if (rate) this.snapshot.rateLimitRemaining = rate.remaining;

    for (let i = 0; i < apps.length; i += 4) {
      await Promise.all(
        apps.slice(i, i + 4).map(async (app) => {
          const state = await attempt(`app ${app.name}`, () => this.fetchApp(app));
          if (state) this.snapshot.apps.set(app.name, state);
        }),
      );
    }
    if (!this.apps.length && ok) {
      const current = new Set(apps.map((a) => a.name));
      for (const name of this.snapshot.apps.keys()) if (!current.has(name)) this.snapshot.apps.delete(name);
    }
    this.cache.lastPollSeconds = (performance.now() - started) / 1000;
    if (ok) this.cache.lastSuccessMs = Date.now();
    this.onPolled();
  }

  private async fetchApp(app: App): Promise<AppState> {
    const base = `/apps/${encodeURIComponent(app.name)}`;
    const [dynos, formation, releases, addons, features] = await Promise.all([
      this.client.list('/apps/{app}/dynos', `${base}/dynos`, dynoSchema),
      this.client.list('/apps/{app}/formation', `${base}/formation`, formationSchema),
      // Ask for the newest release only, rather than taking the last item of the first page.
      this.client.list(
        '/apps/{app}/releases',
        `${base}/releases`,
        releaseSchema,
        'version ..; order=desc, max=1',
        1,
      ),
      this.client.list('/apps/{app}/addons', `${base}/addons`, addOnSchema),
      this.client.list('/apps/{app}/features', `${base}/features`, featureSchema),
    ]);
    return { app, dynos, formation, release: releases[0], addons, features, fetchedAt: Date.now() };
  }
}
