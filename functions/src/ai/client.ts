import { readTutorAnswer, type TutorAnswer, type TutorRequest } from '../ai/contract';
import { type Refused, refused } from '../errors';

export type { TutorAnswer };

/** How the API asks the tutor, whichever way it is reached (`brief`: past the spend ceiling's soft line). */
export type AskTutor = (request: TutorRequest) => Promise<TutorAnswer>;

/**
 * A call to the tutor that failed: timed out when it ran out of AI_CALL_TIMEOUT_MS (so the student
 * hears it from us, before the platform cuts the request at 30 s), else unavailable.
 */
export function tutorFailed(error: unknown): Refused {
  const name = (error as Error | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return refused(
      'timed_out',
      'the tutor took too long to answer; your question was not saved, please send it again',
    );
  return refused(
    'unavailable',
    'the tutor is not reachable right now; your question was not saved, please send it again',
  );
}

/** Asks the AI function over HTTP (local and Heroku); Lambda uses InvokeCommand instead. */
export function httpTutor(baseUrl: string, timeoutMs: number): AskTutor {
  return async function askTutorOverHttp(request) {
    let res: Response;
    try {
      res = await fetch(`${baseUrl}/ai/answer`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw tutorFailed(error);
    }
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    const answer = res.ok ? readTutorAnswer(body) : undefined;
    if (!answer)
      throw refused(
        'unavailable',
        `the tutor could not answer (${body.error ?? res.status}); your question was not saved, please send it again`,
      );
    return answer;
  };
}
