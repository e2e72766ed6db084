// One repository, one Heroku app per deployable: BRAINBYTES_ROLE says which one this app runs.
// Heroku routes HTTP only to the `web` process type, and the API, the web app, the gateway and
// the exporter each need their own public HTTPS endpoint, hence one app each. Which process runs
// where is scripts/topology.mjs; this adds how each starts in a dyno.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP, herokuRoles } from '../topology.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The tutor's loopback port inside the API dyno (AI_PORT only where 3002 is taken, as in a rehearsal).
const aiPort = process.env.AI_PORT || String(APP.ai.port);

/** What differs in a dyno: the app takes Heroku's $PORT; the tutor stays on loopback beside the API. */
const DYNO_ENV = {
  ai: { AI_PORT: aiPort, AI_HOST: '127.0.0.1' },
  api: { AI_URL: `http://127.0.0.1:${aiPort}` },
};

const argsOf = (name) => [APP[name].entry];

/** @type {Record<string, Array<{ name: string, cwd: string, args: string[], env: Record<string, string> }>>} */
export const ROLES = Object.fromEntries(
  Object.entries(herokuRoles()).map(([role, names]) => [
    role,
    // The tutor first: the API's first question should find it listening.
    names.map((name) => ({ name, cwd: APP[name].workspace, args: argsOf(name), env: DYNO_ENV[name] ?? {} })),
  ]),
);

export function roleOrExit() {
  const role = process.env.BRAINBYTES_ROLE ?? '';
  if (!(role in ROLES)) {
    console.error(
      `BRAINBYTES_ROLE="${role}" must be one of ${Object.keys(ROLES).join(', ')}: heroku config:set BRAINBYTES_ROLE=api -a <app>`,
    );
    process.exit(2);
  }
  return role;
}
