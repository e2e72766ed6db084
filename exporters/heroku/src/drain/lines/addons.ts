import type { DrainLabels } from '../labels';
import { parseLogfmt } from '../logfmt';
import type { DrainMetrics } from '../metrics';
import { sampleValue } from '../units';

/**
 * The samples Heroku documents for its add-ons' metrics logs (Dev Center: "Heroku Postgres Metrics
 * Logs", "Heroku Key-Value Store" metrics), with `-` as `_`. Anything else a drain claims is
 * dropped and counted: the names become label values, so they must be a closed set.
 */
const LOAD_AND_IO = ['load_avg_1m', 'load_avg_5m', 'load_avg_15m', 'read_iops', 'write_iops'];
const MEMORY = ['memory_total', 'memory_free', 'memory_cached'];
export const POSTGRES_SAMPLES: ReadonlySet<string> = new Set([
  'current_transaction',
  'db_size',
  'tables',
  'active_connections',
  'waiting_connections',
  'index_cache_hit_rate',
  'table_cache_hit_rate',
  'tmp_disk_used',
  'tmp_disk_available',
  'memory_postgres',
  'wal_percentage_used',
  ...LOAD_AND_IO,
  ...MEMORY,
]);
export const REDIS_SAMPLES: ReadonlySet<string> = new Set([
  'active_connections',
  'memory_redis',
  'hit_rate',
  'evicted_keys',
  ...LOAD_AND_IO,
  ...MEMORY,
]);

/** Heroku Postgres's and Heroku Key-Value Store's metrics lines (`sample#…`). */
export class AddonSamples {
  constructor(
    private readonly m: DrainMetrics,
    private readonly labels: DrainLabels,
  ) {}

  handle(app: string, procId: 'heroku-postgres' | 'heroku-redis', text: string): string {
    const { m, labels } = this;
    const postgres = procId === 'heroku-postgres';
    const f = parseLogfmt(text);
    const source = labels.source(app, f.get('source') ?? (postgres ? 'DATABASE' : 'REDIS'));
    for (const [name, raw] of f) {
      if (!name.startsWith('sample#')) continue;
      const metric = name.slice(7).replace(/-/g, '_');
      const value = sampleValue(raw);
      if (value === undefined) continue;
      if (!(postgres ? POSTGRES_SAMPLES : REDIS_SAMPLES).has(metric)) {
        m.drainDropped.add(labels.key(m.drainDropped, 'unknown_sample'), 1);
        continue;
      }
      if (postgres) {
        m.postgresSample.set(labels.key(m.postgresSample, app, source, metric), value);
        if (metric === 'db_size') m.postgresDbSize.set(labels.key(m.postgresDbSize, app, source), value);
        if (metric === 'active_connections' || metric === 'waiting_connections') {
          const state = metric.slice(0, metric.indexOf('_'));
          m.postgresConnections.set(labels.key(m.postgresConnections, app, source, state), value);
        }
      } else {
        m.redisSample.set(labels.key(m.redisSample, app, source, metric), value);
        if (metric === 'memory_redis') m.redisMemory.set(labels.key(m.redisMemory, app, source), value);
      }
    }
    return postgres ? 'postgres' : 'redis';
  }
}
