// The `web` process of every BrainBytes Heroku app: runs the deployable BRAINBYTES_ROLE names.
// SIGTERM (Heroku's shutdown) goes to every child; if one exits, the dyno exits and Heroku restarts it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROLES, roleOrExit, root } from './roles.mjs';

const role = roleOrExit();
const children = ROLES[role].map(({ name, cwd, args, env }) => {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', ...args.map((a) => a.replace('$PORT', process.env.PORT ?? '3000'))],
    {
      cwd: path.join(root, cwd),
      env: { ...process.env, ...env },
      stdio: 'inherit',
    },
  );
  child.on('exit', (code, signal) => {
    console.error(`${name} exited (${signal ?? `code ${code}`}); stopping the dyno`);
    for (const other of children) if (other !== child) other.kill('SIGTERM');
    process.exitCode = code ?? 1;
  });
  return child;
});
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
