import { type ChildProcess, spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBinary } from './binaries';
import { freePort, waitForHttp } from './ports';

const gatewayDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../pushgateway');

export interface RunningProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** How often a process's reaper looks whether the test process that started it is still there. */
const REAPER_POLL_S = 2;

/**
 * Stops `child` when this process is gone, however it went (a killed `vitest` runs no cleanup): a
 * detached shell polls both and, the moment this process is gone while the child is not, sends the
 * child SIGTERM. It ends by itself when the child does. Without it, a gateway and a tutor of a
 * killed web test run ran on for two hours.
 */
function reapWithThisProcess(child: ChildProcess) {
  if (child.pid === undefined) return;
  const [parent, pid] = [process.pid, child.pid];
  const reaper = spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${parent} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep ${REAPER_POLL_S}; done; kill -0 ${parent} 2>/dev/null || kill -TERM ${pid} 2>/dev/null`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  reaper.unref();
}

export function trackProcess(child: ChildProcess, url: string, port: number): RunningProcess {
  reapWithThisProcess(child);
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    port,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Debian's reference Pushgateway (`prometheus-pushgateway` 1.5), in memory, admin API on. */
export async function startOfficialGateway(): Promise<RunningProcess> {
  const binary = requireBinary('prometheus-pushgateway', 'prometheus-pushgateway');
  const port = await freePort();
  const child = spawn(
    binary,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--persistence.file=',
      '--web.enable-admin-api',
      '--log.level=error',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const running = trackProcess(child, `http://127.0.0.1:${port}`, port);
  await waitForHttp(`${running.url}/-/ready`);
  return running;
}

/** Our gateway as its own process (`node --import tsx src/main.ts`), configured by `env`. */
export async function startGatewayProcess(
  env: Record<string, string> = {},
  fixedPort?: number,
): Promise<RunningProcess> {
  const port = fixedPort ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: gatewayDir,
    env: { ...process.env, PUSHGATEWAY_PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running = trackProcess(child, `http://127.0.0.1:${port}`, port);
  await waitForHttp(`${running.url}/-/healthy`).catch((error) => {
    throw new Error(`${error.message}\n${running.output()}`);
  });
  return running;
}

/** Nice -10: about nine times the CPU share of a process at the default 0 when both want it. */
const AHEAD_NICENESS = -10;

/**
 * Puts a process (and the processes it starts afterwards, which inherit it) ahead of the rest of
 * the test suite for the CPU: a test that times alerts against the clock runs beside other test
 * files, whose load must not make its API slow enough to alert. Raising a priority needs root (CI
 * has it); elsewhere it says so, and `BRAINBYTES_TEST_WORKERS=1` runs every file alone.
 */
export function runAhead(pid: number | undefined, what: string) {
  try {
    setPriority(pid ?? 0, AHEAD_NICENESS);
  } catch (error) {
    console.warn(
      `could not give ${what} priority (${(error as Error).message}); with BRAINBYTES_TEST_WORKERS=1 nothing runs beside it`,
    );
  }
}
