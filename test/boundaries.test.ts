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

/** Workspace packages and the workspace packages each depends on (dependencies and devDependencies). */
function packageGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const w of WORKSPACES) {
    const pkg = JSON.parse(readFileSync(join(root, w, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
    graph.set(
      pkg.name,
      deps.filter((d) => d.startsWith('@brainbytes/')),
    );
  }
  return graph;
}

/** A dependency cycle among the packages, as `a → b → a`, or undefined. */
function cycleIn(graph: Map<string, string[]>): string | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): string | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name].join(' → ');
    state.set(name, 'visiting');
    for (const dep of graph.get(name) ?? []) {
      const cycle = visit(dep, [...path, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const name of graph.keys()) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('package boundaries', () => {
  it('the packages form no cycle, development dependencies included; the testkit on no workspace', () => {
    const graph = packageGraph();
    expect(graph.size).toBe(WORKSPACES.length);
    expect(cycleIn(graph)).toBeUndefined();
    expect(graph.get('@brainbytes/testkit')).toEqual([]);
    // The check can fail: the testkit starting the gateway, which tests with the testkit.
    const before = new Map(graph).set('@brainbytes/testkit', ['@brainbytes/pushgateway']);
    expect(cycleIn(before)).toContain('@brainbytes/testkit → @brainbytes/pushgateway');
  });

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
