import { execFileSync } from 'node:child_process';

/**
 * The path of a Debian binary an integration test needs. Absent, the test fails loudly with the
 * command that installs it — in CI and locally alike — instead of passing without having run.
 */
export function requireBinary(name: string, debianPackage: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    const hint = `"${name}" is not installed: run  sudo apt-get install -y ${debianPackage}  (CI's .ci/run does this)`;
    console.error(`\n*** MISSING BINARY *** ${hint}\n`);
    throw new Error(hint);
  }
}
