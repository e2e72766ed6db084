import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Lighthouse's mobile performance score (simulated Slow 4G, 4× CPU, Moto G Power's screen) and
 * what it is made of, from Lighthouse itself run in Debian's chromium. Lighthouse is not a
 * dependency of the app (≈176 MB): npx fetches this pinned version on first use.
 */
export const LIGHTHOUSE = 'lighthouse@13.5.0';

export interface LighthouseRun {
  score: number;
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  /** Whether Back would restore the page from the back/forward cache (Lighthouse's own check). */
  backForwardCache: boolean;
}

interface Report {
  categories: { performance: { score: number } };
  audits: Record<string, { score: number | null; numericValue?: number }>;
}

export async function lighthouse(url: string, chromium: string): Promise<LighthouseRun> {
  const { stdout } = await promisify(execFile)(
    'npx',
    [
      '--yes',
      LIGHTHOUSE,
      url,
      '--only-categories=performance',
      '--form-factor=mobile',
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu',
      '--output=json',
      '--output-path=stdout',
      '--quiet',
    ],
    { env: { ...process.env, CHROME_PATH: chromium }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
  ).catch((error: Error & { stderr?: string }) => {
    throw new Error(
      `Lighthouse (${LIGHTHOUSE} through npx) could not run on ${url}: ${error.stderr?.trim().split('\n').at(-1) ?? error.message}. ` +
        'It needs the npm registry once; then it is in npx’s cache.',
    );
  });
  const report = JSON.parse(stdout) as Report;
  const value = (id: string) => report.audits[id]?.numericValue ?? Number.NaN;
  return {
    score: report.categories.performance.score,
    fcpMs: value('first-contentful-paint'),
    lcpMs: value('largest-contentful-paint'),
    tbtMs: value('total-blocking-time'),
    cls: value('cumulative-layout-shift'),
    backForwardCache: report.audits['bf-cache']?.score === 1,
  };
}
