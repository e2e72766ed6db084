import type { Database } from './database';
import { openPostgres } from './postgres';

/** PostgreSQL when DATABASE_URL is set; else PGlite, loaded only then (Lambda bundles leave it out). */
export async function openDatabase(config: {
  databaseUrl: string | undefined;
  pgliteDir: string;
}): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  try {
    const { openPglite } = await import('./pglite');
    return await openPglite(config.pgliteDir);
  } catch (error) {
    throw new Error(
      `no DATABASE_URL and PGlite could not start (${(error as Error).message}); set DATABASE_URL`,
    );
  }
}
