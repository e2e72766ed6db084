import { describe, expect, it } from 'vitest';
import { splitFrames } from './frames';
import { parseLogfmt } from './logfmt';
import { parseSyslog } from './syslog';
import { sampleValue } from './units';

describe('parseLogfmt', () => {
  it('reads quoted values with escapes, empty values and bare keys', () => {
    const f = parseLogfmt(
      'at=error code=H12 desc="Request \\"timed\\" out" dyno= connect= service=30000ms flag',
    );
    expect(Object.fromEntries(f)).toEqual({
      at: 'error',
      code: 'H12',
      desc: 'Request "timed" out',
      dyno: '',
      connect: '',
      service: '30000ms',
      flag: '',
    });
  });
});

describe('splitFrames', () => {
  it('splits octet-counted frames whose count includes the newline, and flags a truncated one', () => {
    const body = Buffer.from('5 abcd\n3 xy\n10 short');
    expect(splitFrames(body)).toEqual({ messages: ['abcd', 'xy'], malformed: 1 });
  });
  it('resynchronises after a frame without a length', () => {
    expect(splitFrames(Buffer.from('garbage line\n4 ok!\n'))).toEqual({ messages: ['ok!'], malformed: 1 });
  });
});

describe('parseSyslog', () => {
  it('reads app name, proc id and text of a Heroku message', () => {
    expect(parseSyslog('<158>1 2026-11-26T03:00:00+00:00 host heroku router - at=info')).toEqual({
      appName: 'heroku',
      procId: 'router',
      text: 'at=info',
    });
    expect(parseSyslog('hello')).toBeUndefined();
  });
});

describe('sampleValue', () => {
  it.each([
    ['21.00MB', 21 * 1024 * 1024],
    ['4045012kB', 4045012 * 1024],
    ['348836pages', 348836 * 4096],
    ['26311164bytes', 26311164],
    ['0.99', 0.99],
  ])('%s → %d', (text, value) => expect(sampleValue(text)).toBe(value));
  it('refuses unknown units', () => expect(sampleValue('3parsecs')).toBeUndefined());
});
