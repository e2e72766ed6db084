import type { AlertCase } from './inputs';

const PG = 'job="postgres",instance="pg:9187"';
const REDIS = 'job="redis",instance="redis:9121"';

/** The exporters' own series, shaped as postgres_exporter 0.11 and redis_exporter 1.45 expose them. */
export const DATASTORE_CASES: AlertCase[] = [
  ...(['17x20', '6x20'] as const).map(
    (active): AlertCase => ({
      alert: 'PostgresConnectionsNearLimit',
      evalTime: '10m',
      series: {
        [`pg_stat_activity_count{${PG},datname="brainbytes",state="active"}`]: active,
        [`pg_stat_activity_count{${PG},datname="brainbytes",state="idle"}`]: '1x20',
        [`pg_settings_max_connections{${PG},server="db:5432"}`]: '20x20',
      },
      ...(active === '17x20'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { instance: 'pg:9187' },
                description:
                  'The database at pg:9187 has 90% of its max_connections in use, every client together (API dynos, each Lambda instance, the jobs): new connections will be refused.',
              },
            ],
          }
        : {}),
    }),
  ),
  ...(
    [
      ['23000000x20', '25000000x20'],
      ['10000000x20', '25000000x20'],
      ['23000000x20', '0x20'], // no maxmemory: no limit to be near
    ] as const
  ).map(
    ([used, max], i): AlertCase => ({
      alert: 'RedisMemoryNearLimit',
      evalTime: '15m',
      series: {
        [`redis_memory_used_bytes{${REDIS}}`]: used,
        [`redis_memory_max_bytes{${REDIS}}`]: max,
      },
      ...(i === 0
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { instance: 'redis:9121' },
                description:
                  'Redis at redis:9121 uses 92% of its maxmemory: when full it refuses writes and the gateway cannot persist its groups.',
              },
            ],
          }
        : {}),
    }),
  ),
];
