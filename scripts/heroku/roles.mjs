// One repository, one Heroku app per deployable: BRAINBYTES_ROLE says which one this app runs.
// Heroku routes HTTP only to the `web` process type, and the API, the web app, the gateway and
// the exporter each need their own public HTTPS endpoint, hence one app each.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The tutor's loopback port inside the API dyno (AI_PORT only where 3002 is taken, as in a rehearsal).
const aiPort = process.env.AI_PORT || '3002';

export const ROLES = {
  // The API on $PORT, with the AI tutor beside it in the same dyno on loopback.
  api: [
    { name: 'ai', cwd: 'functions', args: ['dist/ai.mjs'], env: { AI_PORT: aiPort, AI_HOST: '127.0.0.1' } },
    { name: 'api', cwd: 'functions', args: ['dist/api.mjs'], env: { AI_URL: `http://127.0.0.1:${aiPort}` } },
  ],
  web: [
    {
      name: 'web',
      cwd: 'web',
      args: [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', '$PORT'],
      env: {},
    },
  ],
  pushgateway: [{ name: 'pushgateway', cwd: 'pushgateway', args: ['dist/main.mjs'], env: {} }],
  'heroku-exporter': [{ name: 'heroku-exporter', cwd: 'exporters/heroku', args: ['dist/main.mjs'], env: {} }],
};

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
