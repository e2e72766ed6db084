import { createLogger } from '@brainbytes/telemetry/service';
import { loadConfig } from './config';
import { createGateway, type Gateway } from './gateway';

export interface InProcessGateway {
  url: string;
  gateway: Gateway;
  logs: string[];
  close(): Promise<void>;
}

/**
 * The gateway in the caller's process on a free port, configured through the same env variables as
 * in production: for the tests and benchmarks of this and other workspaces (`@brainbytes/pushgateway/in-process`).
 */
export async function startInProcess(env: Record<string, string> = {}): Promise<InProcessGateway> {
  const config = loadConfig({ PUSHGATEWAY_PERSISTENCE: 'memory', ...env, PUSHGATEWAY_PORT: '0' });
  const logs: string[] = [];
  const gateway = await createGateway(
    config,
    createLogger('debug', (line) => logs.push(line)),
  );
  const address = await gateway.listen();
  return { url: `http://127.0.0.1:${address.port}`, gateway, logs, close: () => gateway.close() };
}
