import { loadConfig } from '@brainbytes/pushgateway/config';
import { createGateway, type Gateway } from '@brainbytes/pushgateway/gateway';
import { createLogger } from '@brainbytes/telemetry';

export interface InProcessGateway {
  url: string;
  gateway: Gateway;
  logs: string[];
  close(): Promise<void>;
}

/** Our gateway in this process on a free port, configured through the same env variables as in production. */
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
