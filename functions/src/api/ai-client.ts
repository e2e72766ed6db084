import { readTutorAnswer, type TutorAnswer } from '../ai/contract';
import { HttpError } from '../http';

export type { TutorAnswer };

export type AskTutor = (request: {
  question: string;
  subject: string;
  history: Array<{ role: 'student' | 'tutor'; text: string }>;
  /** Past the spend ceiling's soft line: answer in fewer tokens. */
  brief?: boolean;
}) => Promise<TutorAnswer>;

/**
 * A call to the tutor that failed: 504 when it ran out of AI_CALL_TIMEOUT_MS (so the student hears
 * it from us, before the platform cuts the request at 30 s), else 503.
 */
export function tutorFailed(error: unknown): HttpError {
  const name = (error as Error | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new HttpError(
      504,
      'the tutor took too long to answer; your question was not saved, please send it again',
    );
  return new HttpError(
    503,
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
      throw new HttpError(
        503,
        `the tutor could not answer (${body.error ?? res.status}); your question was not saved, please send it again`,
      );
    return answer;
  };
}
