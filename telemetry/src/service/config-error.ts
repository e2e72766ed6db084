/** A setting that cannot be used. The message names the variable and says what it takes. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Loads a deployable's settings at start; a ConfigError stops the process with exit code 2 and
 * one line naming the bad variable, instead of a stack trace.
 */
export function configOrExit<T>(component: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${component}: ${error.message}\n`);
    process.exit(2);
  }
}
