import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scrape } from '@brainbytes/testkit/exposition';
import { startGatewayProcess } from '@brainbytes/testkit/processes';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from './helpers/http';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BUDGET = 24 * 1024 * 1024;

/**
 * 800 series whose label values are 1,000 control characters: 0.8 MB in a push, six times that as
 * JSON on disk. Without a byte budget 24 such pushes made a 570 MiB snapshot no restart could read.
 */
const hostileBody = (push: number) => {
  const filler = String.fromCharCode(1).repeat(990);
  return Array.from({ length: 800 }, (_, i) => `ctl{v="${filler}${push}-${i}"} ${i}\n`).join('');
};

const mine = (samples: Map<string, number>) =>
  [...samples].filter(([k]) => /^(ctl|push_time_seconds)\{/.test(k));

describe.each<[string, () => Record<string, string>]>([
  [
    'file',
    () => ({
      PUSHGATEWAY_PERSISTENCE: 'file',
      PUSHGATEWAY_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pgw-bytes-')),
    }),
  ],
  [
    'Redis (the real server on this machine)',
    () => ({ REDIS_URL, PUSHGATEWAY_REDIS_PREFIX: `pgw-bytes-${randomUUID()}` }),
  ],
])('PUSHGATEWAY_MAX_BYTES with %s persistence', (_, persistenceEnv) => {
  const env: Record<string, string> = {
    ...persistenceEnv(),
    PUSHGATEWAY_MAX_BYTES: String(BUDGET),
    PUSHGATEWAY_SNAPSHOT_INTERVAL: '1s',
  };
  afterAll(async () => {
    if (env.PUSHGATEWAY_DATA_DIR) fs.rmSync(env.PUSHGATEWAY_DATA_DIR, { recursive: true, force: true });
    if (env.PUSHGATEWAY_REDIS_PREFIX) {
      const redis = new Redis(REDIS_URL);
      await redis.del(
        ...['log', 'snapshot-lines', 'snapshot-lock'].map((k) => `${env.PUSHGATEWAY_REDIS_PREFIX}:${k}`),
      );
      await redis.quit();
    }
  });

  it('fills up to the budget, refuses the rest with 413 naming it, and a restart finds everything', async () => {
    let gw = await startGatewayProcess(env);
    const statuses: number[] = [];
    let refusal = '';
    for (let push = 0; push < 12; push++) {
      const reply = await request(gw.url, {
        method: 'PUT',
        path: `/metrics/job/ctl/n/${push}`,
        body: hostileBody(push),
      });
      statuses.push(reply.status);
      if (reply.status !== 200) refusal = reply.body;
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3);
    expect(statuses.slice(statuses.indexOf(413))).toEqual(expect.arrayContaining([413]));
    expect(statuses.every((s) => s === 200 || s === 413)).toBe(true);
    expect(refusal).toContain('PUSHGATEWAY_MAX_BYTES');
    const before = await scrape(gw.url);
    expect(before.samples.get('pushgateway_stored_bytes{}')).toBeLessThanOrEqual(BUDGET);
    expect(before.samples.get('pushgateway_push_refusals_total{reason="byte_budget"}')).toBe(
      statuses.filter((s) => s === 413).length,
    );

    await new Promise((r) => setTimeout(r, 1500)); // a snapshot is written
    await gw.stop('SIGKILL');
    if (env.PUSHGATEWAY_DATA_DIR) {
      const size = fs.statSync(path.join(env.PUSHGATEWAY_DATA_DIR, 'snapshot.json')).size;
      expect(size).toBeLessThanOrEqual(BUDGET); // the budget bounds the disk as well
    }
    gw = await startGatewayProcess(env);
    const after = await scrape(gw.url);
    expect(mine(after.samples).length).toBe(mine(before.samples).length);
    expect(mine(after.samples)).toEqual(mine(before.samples));
    await gw.stop('SIGTERM');
  }, 90_000);
});
