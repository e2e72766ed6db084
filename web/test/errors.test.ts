import { describe, expect, it } from 'vitest';
import { ApiError, errorText } from '../lib/api';
import { MESSAGES } from '../lib/i18n';

describe('what a student is told when the API says 429', () => {
  const limited = new ApiError(
    'you are asking faster than the tutor allows; try again in 90 seconds',
    429,
    'failed',
    90,
  );

  it('says it in English with the wait in minutes, and that the question is kept', () => {
    expect(errorText(limited, MESSAGES.en)).toBe(
      'Too many tries for now. Your question is kept on this phone; try again in 2 minutes.',
    );
  });

  it('says it in Filipino', () => {
    expect(errorText(limited, MESSAGES.fil)).toContain('subukan ulit sa loob ng 2 minuto');
  });

  it("passes other refusals on in the API's words", () => {
    expect(errorText(new ApiError('email or password is wrong', 401, 'refused'), MESSAGES.fil)).toBe(
      'email or password is wrong',
    );
  });
});
