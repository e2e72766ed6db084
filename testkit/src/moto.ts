import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { freePort, waitForHttp } from './ports';

/**
 * moto's server mode: AWS CloudWatch's real protocol on loopback, for the exporter's CloudWatch
 * poller and the e2e stack. Absent, the test fails loudly with the install command.
 */
export interface Moto {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** PutMetricData into AWS/Lambda for one function, as Lambda itself reports. */
  seedLambda(fn: string, data: Omit<MetricDatum, 'Dimensions'>[]): Promise<void>;
  /** PutMetricData into a namespace without dimensions, as a log metric filter publishes. */
  seed(namespace: string, data: Omit<MetricDatum, 'Dimensions'>[]): Promise<void>;
  stop(): void;
}

function requireMoto(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).trim();
  } catch {
    const hint = `"moto_server" is not installed: run  pip install 'moto[server]'  (AWS CloudWatch's stand-in for these tests)`;
    console.error(`\n*** MISSING BINARY *** ${hint}\n`);
    throw new Error(hint);
  }
}

export async function startMoto(): Promise<Moto> {
  const binary = requireMoto();
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForHttp(`${endpoint}/moto-api/`, 30_000);
  const region = 'ap-southeast-1';
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const client = new CloudWatchClient({ region, endpoint, credentials });
  const put = async (Namespace: string, data: MetricDatum[]) => {
    // 20 datapoints a call: what moto 5.2 takes reliably (CloudWatch itself takes 1,000).
    for (let i = 0; i < data.length; i += 20)
      await client.send(new PutMetricDataCommand({ Namespace, MetricData: data.slice(i, i + 20) }));
  };
  return {
    endpoint,
    region,
    credentials,
    seedLambda: (fn, data) =>
      put(
        'AWS/Lambda',
        data.map((d) => ({ ...d, Dimensions: [{ Name: 'FunctionName', Value: fn }] })),
      ),
    seed: put,
    stop: () => child.kill(),
  };
}
