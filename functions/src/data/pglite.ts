import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database';

/** Embedded Postgres in a directory (or in memory with `memory://`), for running with nothing installed. */
export async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  let active = 0;
  return {
    kind: 'pglite',
    async query<Row>(sql: string, params?: unknown[]) {
      active++;
      try {
        return (await db.query<Row>(sql, params)).rows;
      } finally {
        active--;
      }
    },
    exec: async (sql) => void (await db.exec(sql)),
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: async <Row>(sql: string, params?: unknown[]) => (await tx.query<Row>(sql, params)).rows,
          exec: async (sql: string) => void (await tx.exec(sql)),
        } as Queryable),
      ),
    activeConnections: () => active,
    maxConnections: 1,
    onConnectionError: () => {}, // in this process: no connection to lose
    close: () => db.close(),
  };
}
