import { beforeEach, describe, expect, it } from 'vitest';
import {
  drainQueue,
  type KeyValueStore,
  QuestionQueue,
  type QueuedQuestion,
  type SendOutcome,
} from '../lib/offline-queue';

class MemoryStore implements KeyValueStore {
  data = new Map<string, string>();
  getItem = (k: string) => this.data.get(k) ?? null;
  setItem = (k: string, v: string) => void this.data.set(k, v);
}

const item = (n: number) => ({
  key: `q-${n}`,
  sessionKey: 's-1',
  subject: 'math',
  question: `question ${n}`,
});

let store: MemoryStore;
let queue: QuestionQueue;
beforeEach(() => {
  store = new MemoryStore();
  queue = new QuestionQueue(store);
});

describe('QuestionQueue', () => {
  it('keeps questions on the device: a new page (a reload) sees them in order', () => {
    queue.add(item(1), 1000);
    queue.add(item(2), 2000);
    const reloaded = new QuestionQueue(store);
    expect(reloaded.list().map((q) => [q.key, q.queuedAt, q.attempts])).toEqual([
      ['q-1', 1000, 0],
      ['q-2', 2000, 0],
    ]);
  });

  it('reads a corrupted entry as empty instead of breaking the page', () => {
    store.setItem('bb.queue.v1', '{not json');
    expect(queue.list()).toEqual([]);
    queue.add(item(1));
    expect(queue.list()).toHaveLength(1);
  });
});

describe('drainQueue', () => {
  it('sends oldest first, removes what was answered, and stops at the first retryable failure', async () => {
    for (const n of [1, 2, 3]) queue.add(item(n));
    const sent: string[] = [];
    const report = await drainQueue(queue, async (q) => {
      sent.push(q.key);
      expect(q.attempts).toBe(1);
      return q.key === 'q-2' ? { ok: false, retry: true, reason: 'offline' } : { ok: true };
    });
    expect(sent).toEqual(['q-1', 'q-2']);
    expect(report.sent.map((q) => q.key)).toEqual(['q-1']);
    expect(report.stopped).toBe('offline');
    expect(queue.list().map((q) => [q.key, q.attempts])).toEqual([
      ['q-2', 1],
      ['q-3', 0],
    ]);
  });

  it('drops a question the API refuses for good and says why', async () => {
    queue.add(item(1));
    queue.add(item(2));
    const report = await drainQueue(queue, async (q) =>
      q.key === 'q-1' ? { ok: false, retry: false, message: 'this study session has ended' } : { ok: true },
    );
    expect(report.refused).toEqual([
      { item: expect.objectContaining({ key: 'q-1' }), message: 'this study session has ended' },
    ]);
    expect(queue.list()).toEqual([]);
  });

  it('runs one drain at a time: two triggers (online event and a timer) send each question once', async () => {
    queue.add(item(1));
    let calls = 0;
    const send = async (): Promise<SendOutcome> => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return { ok: true };
    };
    const [a, b] = await Promise.all([drainQueue(queue, send), drainQueue(queue, send)]);
    expect(calls).toBe(1);
    expect(a).toBe(b);
  });

  it('asks exactly once when a timed-out request had in fact arrived: the retry carries the same key', async () => {
    // The API's idempotency: a key it has seen returns the stored answer.
    const stored = new Map<string, string>();
    let timeouts = 1;
    const send = async (q: QueuedQuestion): Promise<SendOutcome> => {
      if (!stored.has(q.key)) stored.set(q.key, `answer to ${q.question}`);
      if (timeouts-- > 0) return { ok: false, retry: true, reason: 'timeout' }; // the answer was lost on the way back
      return { ok: true };
    };
    queue.add(item(1));
    expect((await drainQueue(queue, send)).stopped).toBe('timeout');
    const second = await drainQueue(queue, send);
    expect(second.sent.map((q) => [q.key, q.attempts])).toEqual([['q-1', 2]]); // the second attempt: a replay
    expect(stored.size).toBe(1);
    expect(queue.list()).toEqual([]);
  });
});
