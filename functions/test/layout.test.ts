import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', 'src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(dir, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
        ? [join(dir, entry.name)]
        : [],
  );

describe('functions/src reads as API, tutor, data and jobs, with HTTP only at the edge', () => {
  it('only the two apps and their shared HTTP module choose an HTTP status', () => {
    // An HttpError built, a status set on a response, or a status number handed to one.
    const chooses = /new HttpError\(|\.status\(\d|\.sendStatus\(|statusCode\s*=/;
    const choosing = files(src)
      .filter((file) => chooses.test(readFileSync(file, 'utf8')))
      .map((file) => relative(src, file))
      .sort();
    expect(choosing).toEqual(['ai/app.ts', 'api/app.ts', 'http.ts']);
  });

  it('the database and the tutor clients live outside the API folder', () => {
    const api = readdirSync(join(src, 'api'));
    expect(api).not.toContain('db');
    expect(api.filter((name) => /tutor|ai-client/.test(name))).toEqual([]);
    expect(readdirSync(join(src, 'data'))).toContain('migrations.ts');
  });

  it('settings are read from the environment by the loaders alone, never in a handler or a main', () => {
    const reading = files(src)
      .filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(src, file))
      .sort();
    // The two apps' config, the settings every function shares, the push client's, and the SSM
    // loader that fills the environment before any of them runs.
    expect(reading).toEqual(['ai/config.ts', 'api/config.ts', 'lambda/secrets.ts', 'push.ts', 'settings.ts']);
  });
});
