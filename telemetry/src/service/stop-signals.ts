/**
 * Runs `stop` on the first of `signals` and ignores the rest. On a dyno SIGTERM comes twice (Heroku
 * signals every process; scripts/heroku/web.mjs passes its own on): with `process.once` the second
 * found no listener and ended the process by the signal, cutting what the first let finish.
 */
export function onStopSignal(
  stop: (signal: NodeJS.Signals) => void,
  signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): void {
  let stopping = false;
  for (const signal of signals)
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      stop(signal);
    });
}
