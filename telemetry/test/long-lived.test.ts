import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scrape } from '@brainbytes/testkit/exposition';
import { type RunningProcess, startGatewayProcess } from '@brainbytes/testkit/processes';
import { afterEach, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
let gw: RunningProcess | undefined;
afterEach(async () => gw?.stop('SIGKILL'));

it('a long-lived process pushes what is left on SIGTERM, then exits as SIGTERM would', async () => {
  gw = await startGatewayProcess({ PUSHGATEWAY_PERSISTENCE: 'memory' });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/long-lived.ts')], {
    env: { ...process.env, PUSHGATEWAY_URL: gw.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  child.kill('SIGTERM');
  expect(await exited).toBe('SIGTERM');
  const { samples } = await scrape(gw.url);
  expect(samples.get('dyno_work_total{instance="",job="brainbytes-jobs",platform="heroku"}')).toBe(3);
});
