import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { configOrExit } from '@brainbytes/telemetry/service/config-error';
import { LOCAL_EXAMPLE_ENV, loadMonitoringConfig } from '../config';
import { renderAll } from '../render';
import { webConfigYaml } from '../web-config';

const USAGE = `Usage: npm run render -w monitoring -- [--from-env] [--out DIR] [--check]
  (default)   render with the built-in defaults into monitoring/rendered (the committed copy)
  --from-env  read targets, credentials' file paths, budget and addresses from the environment (deployments)
  --out DIR   write somewhere else
  --check     write nothing; exit 1 when a file in the output folder is missing or stale`;

const { values } = parseArgs({
  options: {
    'from-env': { type: 'boolean', default: false },
    out: { type: 'string' },
    check: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

// src/cli/render.ts under tsx, or the dist/render.mjs bundle: both live in monitoring/.
const here = dirname(fileURLToPath(import.meta.url));
const monitoringDir = here.endsWith('dist') ? resolve(here, '..') : resolve(here, '../..');
const out = resolve(values.out ?? join(monitoringDir, 'rendered'));
const config = configOrExit('monitoring', () =>
  loadMonitoringConfig(values['from-env'] ? process.env : LOCAL_EXAMPLE_ENV),
);
const files = renderAll(config);

if (values.check) {
  const stale = [...files].filter(([path, text]) => {
    try {
      return readFileSync(join(out, path), 'utf8') !== text;
    } catch {
      return true;
    }
  });
  for (const [path] of stale) console.error(`stale: ${relative(process.cwd(), join(out, path))}`);
  if (stale.length) {
    console.error(
      'Rendered files are out of date: run `npm run render -w monitoring` and commit the result.',
    );
    process.exit(1);
  }
  console.log(`${files.size} rendered files are current in ${relative(process.cwd(), out) || '.'}`);
} else {
  for (const [path, text] of files) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), text);
  }
  console.log(`wrote ${files.size} files to ${relative(process.cwd(), out) || '.'}`);
  // A deployment that protects Prometheus and Alertmanager: web.yml, from the password's file.
  if (config.webAuth) {
    const { user, passwordFile } = config.webAuth;
    writeFileSync(join(out, 'web.yml'), webConfigYaml(user, passwordFile), { mode: 0o600 });
    console.log(`wrote web.yml (basic auth for ${user})`);
  }
}
