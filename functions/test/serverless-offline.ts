import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { freePort } from '@brainbytes/testkit/ports';
import { runAhead } from '@brainbytes/testkit/processes';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const serverless = path.join(root, 'node_modules/.bin/serverless');
/** No AWS credentials and no network calls of the framework's own. */
export const slsEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
};

export interface Offline {
  lambdaPort: number;
  httpPort: number;
  /** The real AWS SDK's Lambda client, pointed at serverless-offline's invoke endpoint. */
  client: LambdaClient;
  log: () => string;
  stop: () => void;
}

/**
 * `serverless offline start` (serverless-offline 13) for the service in `cwd`, on free ports,
 * resolved once its output names `readyWhen` (a function's full name).
 */
export async function startOffline(
  cwd: string,
  env: (ports: { lambdaPort: number; httpPort: number }) => NodeJS.ProcessEnv,
  readyWhen: string,
): Promise<Offline> {
  const [lambdaPort, httpPort] = [await freePort(), await freePort()];
  // --localEnvironment: handlers see this process's variables (DATABASE_URL, the Lambda endpoint), not only AWS_*.
  const child: ChildProcess = spawn(
    serverless,
    [
      'offline',
      'start',
      '--localEnvironment',
      '--lambdaPort',
      String(lambdaPort),
      '--httpPort',
      String(httpPort),
      '--stage',
      'dev',
    ],
    {
      cwd,
      env: {
        ...slsEnv,
        AWS_REGION: 'ap-southeast-1',
        AWS_ACCESS_KEY_ID: 'offline',
        AWS_SECRET_ACCESS_KEY: 'offline',
        ...env({ lambdaPort, httpPort }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Lambda's clock (INIT, billed duration, the timeout that kills a worker) is measured here while
  // other test files run: its processes come first for the CPU.
  runAhead(child.pid, 'serverless offline');
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serverless offline did not start:\n${log}`)), 90_000);
    const read = (d: Buffer) => {
      log += d;
      if (log.includes(readyWhen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`serverless offline exited (${code}):\n${log}`)));
  });
  const client = new LambdaClient({
    endpoint: `http://127.0.0.1:${lambdaPort}`,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' },
  });
  return { lambdaPort, httpPort, client, log: () => log, stop: () => child.kill('SIGINT') };
}
