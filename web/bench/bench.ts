/**
 * The student app's data budget (`npm run bench -w web`): first-load JS per route, gzipped, from
 * the production build, against a bare Next.js page built in the same run; then, in Chromium with
 * DevTools' Slow 3G (2 s RTT, 50 kB/s), the bytes and time of a cold load of the ask page and of
 * one ask/answer round trip against the real API (offline tutor).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, requireBinary, startStack, webDir } from '../test/stack';
import { firstLoadJs } from './first-load';

const ROUTES = ['/', '/login', '/signup', '/ask', '/sessions', '/subjects'];
const BUDGET = { ownAskGz: 20_000, totalGz: 155_000, roundTripOverhead: 4_000 };
const SLOW_3G = { offline: false, latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000 };
const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
const say = (line: string) => console.log(line);
const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET');
let failures = 0;

function bareNextReference(): number {
  say('building a bare Next.js page for reference …');
  // Inside the repository (in .next, which git and Biome ignore): Turbopack resolves next from
  // the workspace root and will not follow a symlinked node_modules out of a temp folder.
  const dir = join(webDir, '.next', 'bench-bare-next');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'app'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private":true}');
  writeFileSync(
    join(dir, 'app/layout.tsx'),
    'export default function L({children}:{children:React.ReactNode}){return <html lang="en"><body>{children}</body></html>}',
  );
  writeFileSync(join(dir, 'app/page.tsx'), 'export default function P(){return <p>hello</p>}');
  execFileSync(process.execPath, [join(webDir, '..', 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  return firstLoadJs(join(dir, '.next'), ['/'])[0]?.totalGz ?? 0;
}

/** Bytes on the wire (encoded) from CDP, between `start` and `stop`. */
async function wireBytes(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  let bytes = 0;
  let counting = false;
  const urls = new Map<string, string>();
  let requests: string[] = [];
  cdp.on('Network.requestWillBeSent', (e) =>
    urls.set(e.requestId, `${e.request.method} ${new URL(e.request.url).pathname}`),
  );
  cdp.on('Network.loadingFinished', (e) => {
    if (!counting) return;
    bytes += e.encodedDataLength;
    requests.push(`${urls.get(e.requestId)} ${e.encodedDataLength} B`);
  });
  return {
    start: () => {
      bytes = 0;
      requests = [];
      counting = true;
    },
    stop: () => {
      counting = false;
      return { bytes, requests };
    },
  };
}

async function main() {
  say('first-load JS per route (gzip -9, modern browsers; noModule polyfills excluded)');
  const reference = bareNextReference();
  const routes = firstLoadJs(join(webDir, '.next'), ROUTES);
  say(`| route | first-load JS | framework | this app | vs bare Next page (${kb(reference)}) |`);
  say('|---|---|---|---|---|');
  for (const r of routes)
    say(
      `| ${r.route} | ${kb(r.totalGz)} | ${kb(r.frameworkGz)} | ${kb(r.ownGz)} | ${(r.totalGz / reference).toFixed(2)}× |`,
    );
  const ask = routes.find((r) => r.route === '/ask')!;
  say(
    `ask page, this app's JS: ${kb(ask.ownGz)} of ${kb(BUDGET.ownAskGz)}: ${verdict(ask.ownGz <= BUDGET.ownAskGz)}`,
  );
  const heaviest = Math.max(...routes.map((r) => r.totalGz));
  say(
    `heaviest first load: ${kb(heaviest)} of ${kb(BUDGET.totalGz)}: ${verdict(heaviest <= BUDGET.totalGz)}`,
  );
  failures += Number(ask.ownGz > BUDGET.ownAskGz) + Number(heaviest > BUDGET.totalGz);

  say('\nstarting the stack (gateway, AI tutor, API, next start) …');
  const stack = await startStack();
  const browser = await chromium.launch({
    executablePath: requireBinary('chromium', 'chromium'),
    args: CHROMIUM_ARGS,
  });
  try {
    const email = `bench-${Date.now()}@example.ph`;
    const res = await fetch(`${stack.api.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, name: 'Bench', password: 'bench-password' }),
    });
    const { token } = (await res.json()) as { token: string };
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true });
    await context.addInitScript((t) => localStorage.setItem('bb.token', t), token);
    const page = await context.newPage();
    const meter = await wireBytes(page);

    say('Slow 3G (2 s RTT, 50 kB/s), cold cache:');
    meter.start();
    const loadStarted = performance.now();
    await page.goto(`${stack.web.url}/ask`, { waitUntil: 'load', timeout: 120_000 });
    await page.getByRole('button', { name: 'Ask', exact: true }).waitFor();
    const loadMs = performance.now() - loadStarted;
    await page.waitForTimeout(500);
    const { bytes: loadBytes } = meter.stop();
    say(
      `  cold load of /ask: ${kb(loadBytes)} transferred, ask form usable after ${(loadMs / 1000).toFixed(1)} s`,
    );

    await page.getByLabel('Your question').fill('What is photosynthesis?');
    meter.start();
    const askStarted = performance.now();
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const answer = page.getByTestId('answered').first();
    await answer.waitFor({ timeout: 120_000 });
    const askMs = performance.now() - askStarted;
    await page.waitForTimeout(300);
    const { bytes: askBytes, requests } = meter.stop();
    const answerBytes = Buffer.byteLength((await answer.locator('.a').textContent()) ?? '');
    const overhead = askBytes - answerBytes;
    say(
      `  ask → answer visible: ${(askMs / 1000).toFixed(1)} s, ${kb(askBytes)} transferred = answer text ${kb(answerBytes)} + ${kb(overhead)} (budget ${kb(BUDGET.roundTripOverhead)}): ${verdict(overhead <= BUDGET.roundTripOverhead)}`,
    );
    for (const r of requests) say(`    ${r}`);
    failures += Number(overhead > BUDGET.roundTripOverhead);
  } finally {
    await browser.close();
    await stack.stop();
  }
  say(failures ? `\n${failures} budget(s) exceeded` : '\nall budgets met');
  process.exitCode = failures ? 1 : 0;
}

main().catch((error) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exitCode = 2;
});
