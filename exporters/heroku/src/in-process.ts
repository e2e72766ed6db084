import { createLogger } from '@brainbytes/telemetry/service';
import { loadConfig } from './config';
import { createExporter, type Exporter } from './exporter';

export interface RunningExporter {
  url: string;
  exporter: Exporter;
  logs: string[];
  close(): Promise<void>;
}

/**
 * The exporter in the caller's process on a free port, configured through its environment variables:
 * for the tests of this and other workspaces (`@brainbytes/heroku-exporter/in-process`).
 */
export async function startExporter(env: Record<string, string>): Promise<RunningExporter> {
  const logs: string[] = [];
  const exporter = createExporter(
    loadConfig({ HEROKU_EXPORTER_HOST: '127.0.0.1', ...env, HEROKU_EXPORTER_PORT: '0' }),
    createLogger('debug', (l) => logs.push(l)),
  );
  const { port } = await exporter.listen();
  return { url: `http://127.0.0.1:${port}`, exporter, logs, close: () => exporter.close() };
}
