import { join } from 'node:path';
import {
  eventually,
  type OwnRedis,
  promQuery,
  type RunningProcess,
  startOwnRedis,
  startPostgresExporter,
  startPrometheus,
  startRedisExporter,
} from '@brainbytes/testkit/services';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderToTemp } from './helpers/render';

/**
 * The datastores through the field's own exporters: this machine's PostgreSQL and a Redis with a
 * plan-like maxmemory, scraped by Debian's postgres_exporter and redis_exporter and the real
 * Prometheus with the rendered rules.
 */
const DSN = 'postgresql://postgres@127.0.0.1:5432/test?sslmode=disable';
let redis: OwnRedis;
let redisUrl: string;
const running: RunningProcess[] = [];
let prometheus: RunningProcess;

beforeAll(async () => {
  // Its own Redis (not the shared one other tests use), capped like a Heroku plan.
  redis = await startOwnRedis(['--maxmemory', '8mb']);
  redisUrl = redis.url;
  const postgresExporter = await startPostgresExporter(DSN);
  const redisExporter = await startRedisExporter(redisUrl);
  running.push(postgresExporter, redisExporter);
  const { dir } = renderToTemp({
    POSTGRES_EXPORTER_TARGET: `127.0.0.1:${postgresExporter.port}`,
    REDIS_EXPORTER_TARGET: `127.0.0.1:${redisExporter.port}`,
    PROMETHEUS_SCRAPE_INTERVAL: '1s',
    PROMETHEUS_EVALUATION_INTERVAL: '1s',
    PROMETHEUS_ALERT_FOR: '2s',
  });
  prometheus = await startPrometheus(join(dir, 'prometheus/prometheus.yml'));
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  for (const p of running) await p.stop();
  await redis?.kill();
});

describe('PostgreSQL and Redis, as their exporters see them', () => {
  it('measures connections across every client against max_connections', async () => {
    const db = new pg.Client({ connectionString: DSN });
    await db.connect();
    try {
      const maxConnections = Number(
        ((await db.query('SHOW max_connections')).rows[0] as { max_connections: string }).max_connections,
      );
      const ratio = await eventually(
        'the connection ratio',
        async () => {
          const [sample] = await promQuery(
            prometheus.url,
            'sum by (instance) (pg_stat_activity_count) / max by (instance) (pg_settings_max_connections)',
          );
          return sample ? Number(sample.value[1]) : undefined;
        },
        20_000,
      );
      // This connection and the exporter's own are counted, out of the server's limit.
      expect(ratio).toBeGreaterThanOrEqual(2 / maxConnections);
      expect(ratio).toBeLessThan(1);
    } finally {
      await db.end();
    }
  });

  it('fires RedisMemoryNearLimit when the gateway’s Redis fills towards maxmemory', async () => {
    const used = async () =>
      Number(
        (await promQuery(prometheus.url, 'redis_memory_used_bytes / redis_memory_max_bytes'))[0]?.value[1] ??
          NaN,
      );
    expect(
      await eventually(
        'the Redis memory ratio',
        async () => ((await used()) >= 0 ? true : undefined),
        20_000,
      ),
    ).toBe(true);
    expect(await used()).toBeLessThan(0.5);
    const client = new Redis(redisUrl);
    try {
      // Snapshot-sized values until the 8 MB Redis is 85 % full.
      const usedBytes = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
      for (let i = 0; (await usedBytes()) < 0.85 * 8 * 1024 * 1024; i++)
        await client.set(`snapshot-lines:${i}`, 'x'.repeat(256 * 1024));
      const alert = await eventually(
        'RedisMemoryNearLimit to fire',
        async () =>
          (
            await promQuery(prometheus.url, 'ALERTS{alertname="RedisMemoryNearLimit",alertstate="firing"}')
          )[0],
        30_000,
      );
      expect(alert.metric).toMatchObject({ severity: 'warning', team: 'infrastructure', service: 'redis' });
    } finally {
      client.disconnect();
    }
  });
});
