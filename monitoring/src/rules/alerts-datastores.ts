import type { AlertRule } from './types';

/**
 * The datastores as they see themselves, from the field's own exporters (postgres_exporter beside
 * the API's database, redis_exporter beside the gateway's Redis): what every client together uses,
 * which no single instance's push can tell.
 */
export const datastoreAlerts: AlertRule[] = [
  {
    alert: 'PostgresConnectionsNearLimit',
    expr: `sum by (instance) (pg_stat_activity_count)
/
max by (instance) (pg_settings_max_connections) > 0.8`,
    for: '5m',
    severity: 'warning',
    team: 'infrastructure',
    service: 'database',
    summary: 'PostgreSQL is close to its connection limit.',
    description:
      'The database at {{ $labels.instance }} has {{ $value | humanizePercentage }} of its max_connections in use, every client together (API dynos, each Lambda instance, the jobs): new connections will be refused.',
  },
  {
    alert: 'RedisMemoryNearLimit',
    expr: `max by (instance) (redis_memory_used_bytes)
/
max by (instance) (redis_memory_max_bytes > 0) > 0.8`,
    for: '10m',
    severity: 'warning',
    team: 'infrastructure',
    service: 'redis',
    summary: 'The gateway’s Redis is nearly full.',
    description:
      'Redis at {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its maxmemory: when full it refuses writes and the gateway cannot persist its groups.',
  },
];
