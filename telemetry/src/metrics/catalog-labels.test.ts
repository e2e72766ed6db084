import { Registry } from 'prom-client';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createAppMetrics } from './app-metrics';
import { CATALOG } from './catalog';

describe('catalog label names are types', () => {
  it('lets a metric take only its own labels (checked by tsc: npm run typecheck)', async () => {
    const metrics = createAppMetrics(new Registry());
    metrics.aiTokens.inc({ provider: 'openai', model: 'gpt-4o-mini', type: 'input' }, 3);
    // @ts-expect-error: a misspelt label does not compile
    expect(() => metrics.aiTokens.inc({ typ: 'input' })).toThrow(/typ/);
    expectTypeOf(CATALOG.aiTokens.labelNames).toEqualTypeOf<readonly ('provider' | 'model' | 'type')[]>();
    expect((await metrics.aiTokens.get()).values).toEqual([
      { value: 3, labels: { provider: 'openai', model: 'gpt-4o-mini', type: 'input' } },
    ]);
  });
});
