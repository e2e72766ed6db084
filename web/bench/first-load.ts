import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BROTLI_DIR } from '../server/precompressed';

export interface RouteJs {
  route: string;
  /** Every script a modern browser loads first (the noModule polyfills excluded), gzipped. */
  totalGz: number;
  /** Next's and React's runtime: the build manifest's root main files. */
  frameworkGz: number;
  /** The rest: this app's layout and page chunks. */
  ownGz: number;
  /** All of them as this app's server sends them: brotli at quality 11, made at build time (0 for a bare Next page). */
  totalBr: number;
}

const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
/** The size of the brotli copy the build made of `file` (web/server/precompressed.ts); 0 without copies. */
function br(nextDir: string, file: string) {
  if (!existsSync(join(nextDir, BROTLI_DIR))) return 0;
  const copy = join(nextDir, BROTLI_DIR, `${file.replace(/^static\//, '')}.br`);
  if (!existsSync(copy)) throw new Error(`${file} has no brotli copy: run \`npm run build -w web\``);
  return statSync(copy).size;
}

/**
 * First-load JS per route from a production build (`.next`), read off each page's HTML as the
 * server sends it (pages render per request, in the student's language: there is no prerendered file).
 */
export function firstLoadJs(nextDir: string, pages: { route: string; html: string }[]): RouteJs[] {
  const manifest = JSON.parse(readFileSync(join(nextDir, 'build-manifest.json'), 'utf8')) as {
    rootMainFiles: string[];
  };
  const framework = new Set(manifest.rootMainFiles);
  return pages.map(({ route, html }) => {
    const scripts = [...html.matchAll(/<script src="\/_next\/([^"]+)"([^>]*)>/g)]
      .filter((m) => !/noModule/i.test(m[2] ?? ''))
      .map((m) => m[1] as string);
    let frameworkGz = 0;
    let ownGz = 0;
    let totalBr = 0;
    for (const file of new Set(scripts)) {
      const size = gz(join(nextDir, file));
      if (framework.has(file)) frameworkGz += size;
      else ownGz += size;
      totalBr += br(nextDir, file);
    }
    return { route, totalGz: frameworkGz + ownGz, frameworkGz, ownGz, totalBr };
  });
}
