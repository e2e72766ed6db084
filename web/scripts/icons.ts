/**
 * Renders public/icon.svg to the PNG icons the web app manifest names (app/manifest.ts), in Debian's
 * chromium: `npx tsx scripts/icons.ts` after changing the SVG. The icon is drawn full-bleed with
 * its marks inside the central 80 % circle, so one file serves as both "any" and "maskable".
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ICON_SIZES } from '../lib/icons';

async function main() {
  const publicDir = join(import.meta.dirname, '..', 'public');
  const svg = readFileSync(join(publicDir, 'icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  try {
    for (const size of ICON_SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size } });
      await page.setContent(
        `<style>html,body{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
      );
      const file = join(publicDir, `icon-${size}.png`);
      writeFileSync(file, await page.screenshot({ type: 'png' }));
      console.log(`[icons] wrote ${file}`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
