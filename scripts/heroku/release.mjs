// Heroku's release phase: the API app applies database migrations before the new release starts.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { roleOrExit, root } from './roles.mjs';

const role = roleOrExit();
if (role === 'api') {
  const result = spawnSync(process.execPath, ['dist/api.mjs', '--migrate-only'], {
    cwd: path.join(root, 'functions'),
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}
console.log(`release: nothing to do for BRAINBYTES_ROLE=${role}`);
