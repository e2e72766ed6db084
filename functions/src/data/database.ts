/**
 * The one database interface the API uses: PostgreSQL through node-postgres when DATABASE_URL is set
 * (Heroku Postgres), or PGlite — embedded Postgres — in `.data/` when it is not. Same SQL, same
 * migrations, for both.
 */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction: all of it is stored, or none of it. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Connections checked out right now (brainbytes_db_connections_active). */
  activeConnections(): number;
  /** The pool's size (brainbytes_db_connections_max): PGlite has one connection. */
  readonly maxConnections: number;
  /**
   * Tells `listener` when the server drops an idle connection (maintenance, failover, a restart):
   * the pool replaces it, so this is news, not a failure. Without a listener it is still survived.
   */
  onConnectionError(listener: (error: Error) => void): void;
  close(): Promise<void>;
}
