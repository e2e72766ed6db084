import type { Logger } from '@brainbytes/telemetry/service';

/**
 * The settings every gateway process on one Redis stream must share (limits, TTLs, by variable
 * name): applying one stream with different limits would make the copies differ. The newest
 * process writes its own; an older one with other settings stops serving until restarted.
 */
export class SharedSettings {
  /** As stored in Redis: the settings by name, in name order. */
  readonly text: string;
  /** Set while this process's settings differ from the ones in Redis: it must not serve. */
  mismatch: string | undefined;

  constructor(
    shared: Record<string, number>,
    private readonly logger: Logger,
  ) {
    this.text = JSON.stringify(
      Object.fromEntries(
        Object.keys(shared)
          .sort()
          .map((k) => [k, shared[k]]),
      ),
    );
  }

  /** Compares with the settings in Redis (`inRedis`); false when Redis holds none (lost with the data): put ours back. */
  check(inRedis: string | null): boolean {
    if (inRedis === null) return false;
    if (inRedis === this.text) {
      if (this.mismatch) this.logger.info('settings agree with the other gateway processes again');
      this.mismatch = undefined;
      return true;
    }
    const theirs = JSON.parse(inRedis) as Record<string, number>;
    const own = JSON.parse(this.text) as Record<string, number>;
    const names = [...new Set([...Object.keys(own), ...Object.keys(theirs)])].filter(
      (k) => own[k] !== theirs[k],
    );
    const problem = `settings differ from the newest gateway process on this Redis: ${names
      .map((k) => `${k} is ${own[k]} here and ${theirs[k]} there`)
      .join(', ')}; restart this process with the same settings`;
    if (problem !== this.mismatch) this.logger.error(`not serving: ${problem}`);
    this.mismatch = problem;
    return true;
  }
}
