import type { ParsedPush } from '../exposition/parse';
import type { MetricStore } from '../store/metric-store';
import type { ApplyResult, Operation } from '../store/types';
import type { Persistence } from './persistence';

/** No persistence at all (PUSHGATEWAY_PERSISTENCE=memory): state lives as long as the process. */
export class MemoryPersistence implements Persistence {
  readonly kind = 'memory';
  constructor(private readonly store: MetricStore) {}
  async open() {}
  async submit(op: Operation, parsed?: ParsedPush): Promise<ApplyResult> {
    return this.store.apply(op, parsed);
  }
  async sync() {}

  async expire(nowMs: number) {
    this.store.expire(nowMs);
  }

  readyProblem(): string | undefined {
    return undefined;
  }
  async close() {}
}
