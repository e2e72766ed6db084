import { type RunningProcess, startOfficialGateway } from '@brainbytes/testkit/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { familyHeader, formatValue, labelPairs } from '../src/metrics/exposition';

/** The official Pushgateway (Debian's, Go's text parser) reads what our writer writes, hostile text included. */
describe('the text format as our writers write it', () => {
  let official: RunningProcess;
  beforeAll(async () => {
    official = await startOfficialGateway();
  }, 30_000);
  afterAll(() => official?.stop());

  it('reads back exactly: escaped HELP and label values, +Inf, NaN', async () => {
    const hostile = 'a "quoted" \\ back\nslash';
    const body =
      familyHeader('bb_test_value', 'gauge', 'help with \\ and\na newline') +
      `bb_test_value{${labelPairs([['what', hostile]])}} ${formatValue(Number.POSITIVE_INFINITY)}\n` +
      `bb_test_value{${labelPairs([['what', 'nan']])}} ${formatValue(Number.NaN)}\n`;
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    const pushed = await fetch(`${official.url}/metrics/job/exposition`, { method: 'PUT', body });
    expect(pushed.status, await pushed.text()).toBe(200);
    const json = (await (await fetch(`${official.url}/api/v1/metrics`)).json()) as {
      data: Array<{
        bb_test_value?: { help: string; metrics: Array<{ labels: Record<string, string>; value: string }> };
      }>;
    };
    const family = json.data.find((g) => g.bb_test_value)?.bb_test_value;
    expect(family?.help).toBe('help with \\ and\na newline');
    expect(Object.fromEntries(family!.metrics.map((m) => [m.labels.what, m.value]))).toEqual({
      [hostile]: '+Inf',
      nan: 'NaN',
    });
  });
});
