import { loadConfig } from '@brainbytes/heroku-exporter/config';
import { createExporter, type Exporter } from '@brainbytes/heroku-exporter/exporter';
import { createLogger } from '@brainbytes/telemetry';

export { readScrape } from './exposition';

export interface RunningExporter {
  url: string;
  exporter: Exporter;
  logs: string[];
  close(): Promise<void>;
}

/** The exporter in this process on a free port, configured through its environment variables. */
export async function startExporter(env: Record<string, string>): Promise<RunningExporter> {
  const logs: string[] = [];
  const exporter = createExporter(
    loadConfig({ HEROKU_EXPORTER_HOST: '127.0.0.1', ...env, HEROKU_EXPORTER_PORT: '0' }),
    createLogger('debug', (l) => logs.push(l)),
  );
  const { port } = await exporter.listen();
  return { url: `http://127.0.0.1:${port}`, exporter, logs, close: () => exporter.close() };
}

export async function scrapeText(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/metrics`, { headers });
  if (res.status !== 200) throw new Error(`scrape answered ${res.status}`);
  return res.text();
}
