import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './deploy-kit';

const WORKSPACES = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] })
  .workspaces;
const owner = (file: string) => WORKSPACES.find((w) => file.startsWith(`${w}/`)) ?? '(root)';
const SPECIFIER = /(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Relative imports that leave their workspace: `from` → what it reaches. */
function crossings(files: Array<[file: string, text: string]>): string[] {
  const found: string[] = [];
  for (const [file, text] of files) {
    for (const m of text.matchAll(SPECIFIER)) {
      const target = normalize(join(dirname(file), m[1] as string));
      if (owner(target) !== owner(file)) found.push(`${file} → ${m[1]}`);
    }
  }
  return found;
}

describe('package boundaries', () => {
  it('no file reaches into another workspace by a relative path: only through its package exports', () => {
    const files = execFileSync('git', ['ls-files', '*.ts', '*.tsx', '*.mjs'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(200);
    const texts = files
      .filter((f) => existsSync(join(root, f)))
      .map((f): [string, string] => [f, readFileSync(join(root, f), 'utf8')]);
    expect(crossings(texts)).toEqual([]);
  });

  it('catches one (the check can fail)', () => {
    // Built, not written out: this file is scanned too.
    const spec = ['..', 'monitoring', 'src', 'render'].join('/');
    const text = `import { renderAll } from '${spec}';\nimport { x } from './stack';\n`;
    expect(crossings([['scripts/start.ts', text]])).toEqual(['scripts/start.ts → ../monitoring/src/render']);
    expect(crossings([['monitoring/test/x.ts', "import { a } from '../src/config';"]])).toEqual([]);
  });
});
