/**
 * A poll on a timer, for the exporter's sources (the Platform API, CloudWatch): the first at once,
 * then every interval; concurrent calls share the poll under way, and stop() waits for it.
 */
export abstract class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  protected abstract pollOnce(): Promise<void>;

  start(intervalMs: number) {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), intervalMs).unref();
  }

  async stop() {
    clearInterval(this.timer);
    await this.running;
  }

  /** One poll; concurrent calls share it. */
  poll(): Promise<void> {
    this.running ??= this.pollOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }
}
