import { describe, expect, it } from 'vitest';
import { labelName, metricName } from './names';

describe('OTLP names as Prometheus translates them', () => {
  it.each([
    ['http.server.request.duration', 's', 'other', 'http_server_request_duration_seconds'],
    ['tutor.answers', '{answer}', 'counter', 'tutor_answers_total'],
    ['requests_total', '1', 'counter', 'requests_total'],
    ['queue.fill', '1', 'gauge', 'queue_fill_ratio'],
    ['memory.usage', 'By', 'gauge', 'memory_usage_bytes'],
    ['latency_seconds', 's', 'other', 'latency_seconds'],
    ['packets', '{packet}/s', 'counter', 'packets_per_second_total'],
    ['throughput', 'MiBy/min', 'gauge', 'throughput_mebibytes_per_min'],
    ['2xx.responses', '', 'counter', '_2xx_responses_total'],
    ['weird--name!!', 'widgets', 'gauge', 'weird_name_widgets'],
  ] as const)('%s (%s, %s) → %s', (name, unit, kind, expected) => {
    expect(metricName(name, unit, kind)).toBe(expected);
  });

  it('refuses a name with nothing to keep', () => {
    expect(metricName('...', '', 'gauge')).toBeUndefined();
  });

  it.each([
    ['http.method', 'http_method'],
    ['service__name', 'service_name'],
    ['123abc', 'key_123abc'],
    ['_private', '_private'],
  ])('label %s → %s', (key, expected) => {
    expect(labelName(key)).toBe(expected);
  });
  it('refuses a key of underscores only', () => expect(labelName('._.')).toBeUndefined());
});
