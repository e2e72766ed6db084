/** `npm run build -w web`, after `next build`: the brotli copy of every script (server/precompressed.ts). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { precompressBuild } from '../server/precompressed';

const nextDir = join(fileURLToPath(new URL('..', import.meta.url)), '.next');
const started = Date.now();
const { files, plain, brotli } = precompressBuild(nextDir);
console.log(
  `brotli: ${files} scripts and stylesheets, ${(plain / 1000).toFixed(1)} kB → ${(brotli / 1000).toFixed(1)} kB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
