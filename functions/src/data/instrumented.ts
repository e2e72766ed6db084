import type { AppMetrics } from '@brainbytes/telemetry/metrics';
import type { Database, Queryable } from './database';

/** `select_questions`, `insert_students`, …: the statement's verb and first table, a bounded label. */
export function operationOf(sql: string): string {
  const verb =
    /^\s*(select|insert|update|delete|with|begin|commit|create)/i.exec(sql)?.[1]?.toLowerCase() ?? 'other';
  const table = /\b(?:from|into|update)\s+([a-z_]+)/i.exec(sql)?.[1]?.toLowerCase();
  return table && verb !== 'create' ? `${verb}_${table}` : verb;
}

/** Times every query by operation, keeps brainbytes_db_connections_active current and reports the pool size. */
export function instrumentDatabase(db: Database, metrics: AppMetrics): Database {
  metrics.dbConnectionsMax.set(db.maxConnections);
  db.onConnectionError(() => metrics.dbConnectionErrors.inc());
  const timed = (target: Queryable): Queryable => ({
    async query(sql, params) {
      const started = performance.now();
      metrics.dbConnectionsActive.set(db.activeConnections() + 1);
      try {
        return await target.query(sql, params);
      } finally {
        metrics.dbQueryDuration.observe(
          { operation: operationOf(sql) },
          (performance.now() - started) / 1000,
        );
        metrics.dbConnectionsActive.set(db.activeConnections());
      }
    },
    exec: (sql) => target.exec(sql),
  });
  const outer = timed(db);
  return {
    kind: db.kind,
    query: outer.query,
    exec: outer.exec,
    transaction: (work) => db.transaction((tx) => work(timed(tx))),
    activeConnections: () => db.activeConnections(),
    maxConnections: db.maxConnections,
    onConnectionError: (listener) => db.onConnectionError(listener),
    close: () => db.close(),
  };
}
