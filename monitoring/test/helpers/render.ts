import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadMonitoringConfig, type MonitoringConfig } from '../../src/config';
import { renderAll } from '../../src/render';

export { requireBinary } from '@brainbytes/testkit/binaries';
export { freePort, waitForHttp } from '@brainbytes/testkit/ports';

/** Renders every file into a fresh temp folder, as a deployment would with these variables. */
export function renderToTemp(env: Record<string, string> = {}): { dir: string; config: MonitoringConfig } {
  const config = loadMonitoringConfig(env);
  const dir = mkdtempSync(join(tmpdir(), 'bb-monitoring-'));
  for (const [path, text] of renderAll(config)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, config };
}
