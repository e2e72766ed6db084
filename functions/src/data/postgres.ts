import pg from 'pg';
import type { Database, Queryable } from './database';

/** node-postgres pool. Heroku Postgres needs TLS without CA verification; local servers get none. */
export function openPostgres(
  url: string,
  {
    poolSize = 10,
    schema,
    applicationName = 'brainbytes-api',
  }: { poolSize?: number; schema?: string; applicationName?: string } = {},
): Database {
  const local = /@(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(url) || !url.includes('@');
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: applicationName, // names our connections in pg_stat_activity
    ssl: local ? false : { rejectUnauthorized: false },
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  let active = 0;
  // An idle client whose connection the server closed emits 'error' on the pool; with no listener,
  // Node would crash the process. The pool has already dropped the client: listeners only count it.
  const connectionListeners = new Set<(error: Error) => void>();
  pool.on('error', (error) => {
    for (const listener of connectionListeners) listener(error);
  });
  pool.on('acquire', () => active++);
  pool.on('release', () => active--);
  const run = async <Row>(client: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]) =>
    (await client.query(sql, params as unknown[])).rows as Row[];
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    exec: async (sql) => void (await pool.query(sql)),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          query: (sql, params) => run(client, sql, params),
          exec: async (sql) => void (await client.query(sql)),
        };
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    activeConnections: () => active,
    maxConnections: poolSize,
    onConnectionError: (listener) => void connectionListeners.add(listener),
    close: () => pool.end(),
  };
}
