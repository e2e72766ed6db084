import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { readTutorAnswer } from '../ai/contract';
import { refused } from '../errors';
import { type AskTutor, tutorFailed } from './client';

/**
 * Asks the AI function with Lambda's InvokeCommand (the full `service-stage-function` name), within
 * `timeoutMs` (AI_CALL_TIMEOUT_MS): the api function must answer before its own timeout kills it.
 */
export function lambdaTutor(
  functionName: string,
  timeoutMs: number,
  client = new LambdaClient({}),
): AskTutor {
  return async function askTutorThroughLambda(request) {
    let payload: string;
    try {
      const result = await client.send(
        new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(request)) }),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
      payload = Buffer.from(result.Payload ?? []).toString('utf8');
      if (result.FunctionError) throw new Error(payload.slice(0, 200));
    } catch (error) {
      throw tutorFailed(error);
    }
    const answer = readTutorAnswer(JSON.parse(payload));
    if (!answer)
      throw refused(
        'unavailable',
        'the tutor gave no answer; your question was not saved, please send it again',
      );
    return answer;
  };
}
