import { describe, expect, it } from 'vitest';
import { createLogger, redact } from './logger';

describe('the logger keeps credentials out of log lines', () => {
  it('redacts passwords in URLs and authorization values, keeping the rest', () => {
    expect(redact('pushing to https://push:hunter2@gw.example.com/metrics')).toBe(
      'pushing to https://push:***@gw.example.com/metrics',
    );
    expect(redact('redis://:p4ss@redis.example.com:6379 and postgres://u:p@db/x')).toBe(
      'redis://:***@redis.example.com:6379 and postgres://u:***@db/x',
    );
    expect(redact('Authorization: Bearer sk-abcdefghijklmnop')).toBe('Authorization: Bearer ***');
    expect(redact('http://example.com/a@b')).toBe('http://example.com/a@b');
  });

  it('applies to the message, every field, nested values and errors', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', (line) => lines.push(line));
    const error = new Error('connect to redis://:s3cret@host failed');
    logger.warn('using https://a:s3cret@x', {
      url: 'https://a:s3cret@x',
      nested: { list: ['https://a:s3cret@y'] },
      error,
    });
    expect(lines[0]).not.toContain('s3cret');
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'using https://a:***@x', url: 'https://a:***@x' });
  });
});
