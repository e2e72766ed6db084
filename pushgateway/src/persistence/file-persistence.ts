import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { ParsedPush } from '../exposition/parse';
import { labelText } from '../store/label-text';
import type { MetricStore } from '../store/metric-store';
import type { ApplyResult, Operation } from '../store/types';
import { type Persistence, type PersistenceObserver, StorageUnavailable } from './persistence';
import { SnapshotReader, snapshotPieces } from './snapshot';

export interface FileOptions {
  dir: string;
  /** Compact the log into a snapshot once it grows past this many bytes. */
  maxLogBytes: number;
  snapshotIntervalMs: number;
}

/**
 * A write-ahead log plus snapshots in a directory. Each operation is appended (one JSON line,
 * numbered) before it is applied and acknowledged; the kernel holds it from then on, so SIGKILL
 * or a crash loses nothing acknowledged. Snapshots are written to a temporary file, fsynced and
 * renamed, so a crash leaves either the old or the new one; log lines they include are skipped.
 */
export class FilePersistence implements Persistence {
  readonly kind = 'file';
  private fd = -1;
  private seq = 0;
  private logBytes = 0;
  private snapshotSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly logPath: string;
  private readonly snapshotPath: string;

  constructor(
    private readonly store: MetricStore,
    private readonly options: FileOptions,
    private readonly observer: PersistenceObserver = {},
  ) {
    this.logPath = path.join(options.dir, 'operations.jsonl');
    this.snapshotPath = path.join(options.dir, 'snapshot.json');
  }

  async open() {
    fs.mkdirSync(this.options.dir, { recursive: true });
    if (fs.existsSync(this.snapshotPath)) {
      // Line by line: no size of state becomes one string (V8 strings stop at 512 MiB).
      const reader = new SnapshotReader(this.store, labelText, (error) =>
        this.observer.onError?.('load', error),
      );
      const lines = readline.createInterface({
        input: fs.createReadStream(this.snapshotPath, { encoding: 'utf8' }),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const line of lines) reader.line(line);
      this.seq = this.snapshotSeq = Number(reader.finish());
    }
    this.replayLog();
    this.fd = fs.openSync(this.logPath, 'a');
    this.timer = setInterval(() => this.snapshotIfDue(true), this.options.snapshotIntervalMs).unref();
  }

  private replayLog() {
    if (!fs.existsSync(this.logPath)) return;
    const bytes = fs.readFileSync(this.logPath);
    let start = 0;
    while (start < bytes.length) {
      const end = bytes.indexOf(10, start);
      if (end === -1) break; // a torn last line: its push was never acknowledged
      let record: { s: number; o: Operation };
      try {
        record = JSON.parse(bytes.toString('utf8', start, end));
      } catch (error) {
        // A whole line that is not JSON (a damaged disk block): skipped and counted. Cutting the log
        // here, as for a torn last line, would throw away every acknowledged push after it.
        this.observer.onError?.('load', error);
        start = end + 1;
        continue;
      }
      start = end + 1;
      if (record.s <= this.seq) continue;
      try {
        this.store.apply(record.o);
      } catch (error) {
        this.observer.onError?.('load', error); // one bad operation must not stop every later one
      }
      this.seq = record.s;
    }
    if (start < bytes.length) fs.truncateSync(this.logPath, start);
    this.logBytes = start;
  }

  async submit(op: Operation, parsed?: ParsedPush): Promise<ApplyResult> {
    const line = `${JSON.stringify({ s: this.seq + 1, o: op })}\n`;
    const started = performance.now();
    try {
      fs.writeSync(this.fd, line);
    } catch (error) {
      this.observer.onError?.('append', error);
      throw new StorageUnavailable(
        'the gateway could not write its persistence log; push not stored, retry later',
      );
    }
    this.observer.onWrite?.('append', (performance.now() - started) / 1000);
    this.seq++;
    this.logBytes += Buffer.byteLength(line);
    const result = this.store.apply(op, parsed);
    this.snapshotIfDue(false);
    return result;
  }

  async sync() {}

  async expire(nowMs: number) {
    this.store.expire(nowMs);
  }

  readyProblem(): string | undefined {
    return undefined;
  }

  private snapshotIfDue(timer: boolean) {
    if (this.seq === this.snapshotSeq) return;
    if (!timer && this.logBytes < this.options.maxLogBytes) return;
    this.writeSnapshot();
  }

  /** Writes the whole state and starts an empty log. Synchronous, so no operation slips between. */
  writeSnapshot() {
    const started = performance.now();
    try {
      const tmp = `${this.snapshotPath}.tmp`;
      const fd = fs.openSync(tmp, 'w');
      for (const piece of snapshotPieces(this.store, String(this.seq))) fs.writeSync(fd, piece);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(tmp, this.snapshotPath);
      const dir = fs.openSync(this.options.dir, 'r');
      fs.fsyncSync(dir);
      fs.closeSync(dir);
      fs.ftruncateSync(this.fd, 0);
      this.logBytes = 0;
      this.snapshotSeq = this.seq;
      this.observer.onWrite?.('snapshot', (performance.now() - started) / 1000);
    } catch (error) {
      this.observer.onError?.('snapshot', error);
    }
  }

  async close() {
    clearInterval(this.timer);
    if (this.fd === -1) return;
    this.snapshotIfDue(true);
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}
