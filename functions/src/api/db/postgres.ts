import pg from 'pg';
import type { Database, Queryable } from './database';

/** node-postgres pool. Heroku Postgres needs TLS without CA verification; local servers get none. */
export function openPostgres(
  url: string,
  { poolSize = 10, schema }: { poolSize?: number; schema?: string } = {},
): Database {
  const local = /@(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(url) || !url.includes('@');
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    ssl: local ? false : { rejectUnauthorized: false },
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  let active = 0;
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
    close: () => pool.end(),
  };
}
