import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Redis } from 'ioredis';

/**
 * Where the exporter keeps the little state that must outlive a restart (this month's accrued
 * Heroku spend): HEROKU_EXPORTER_STATE. A dyno's disk is wiped on every restart, so on Heroku it
 * is Redis (the gateway's Heroku Redis, attached to the exporter app); on a machine, a file.
 */
export interface StateStore {
  readonly kind: 'memory' | 'file' | 'redis';
  load(): Promise<string | undefined>;
  save(text: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryStateStore implements StateStore {
  readonly kind = 'memory';
  private text: string | undefined;
  async load() {
    return this.text;
  }
  async save(text: string) {
    this.text = text;
  }
  async close() {}
}

/** A JSON file, replaced whole (written beside it, then renamed): a crash leaves the old or the new. */
export class FileStateStore implements StateStore {
  readonly kind = 'file';
  constructor(private readonly path: string) {}
  async load() {
    try {
      return readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
  async save(text: string) {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, this.path);
  }
  async close() {}
}

export class RedisStateStore implements StateStore {
  readonly kind = 'redis';
  private readonly client: Redis;
  constructor(
    url: string,
    private readonly key: string,
  ) {
    // Heroku Redis presents a self-signed certificate on rediss:// (as the gateway documents).
    this.client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      commandTimeout: 5000,
      ...(url.startsWith('rediss://') ? { tls: { rejectUnauthorized: false } } : {}),
    });
    // A connection problem surfaces as a failed load or save (logged and counted there), not as noise.
    this.client.on('error', () => undefined);
  }
  async load() {
    if (this.client.status === 'wait') await this.client.connect();
    return (await this.client.get(this.key)) ?? undefined;
  }
  async save(text: string) {
    if (this.client.status === 'wait') await this.client.connect();
    await this.client.set(this.key, text);
  }
  async close() {
    this.client.disconnect();
  }
}

/** `memory`, a redis:// or rediss:// URL, or a file path. */
export function openStateStore(setting: string, redisKey: string): StateStore {
  if (setting === 'memory') return new MemoryStateStore();
  if (/^rediss?:\/\//.test(setting)) return new RedisStateStore(setting, redisKey);
  return new FileStateStore(setting);
}
