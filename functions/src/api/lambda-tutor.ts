import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { AskTutor } from './ai-client';
import { HttpError } from './errors';

/** Asks the AI function with Lambda's InvokeCommand (the full `service-stage-function` name). */
export function lambdaTutor(functionName: string, client = new LambdaClient({})): AskTutor {
  return async function askTutorThroughLambda(request) {
    let payload: string;
    try {
      const result = await client.send(
        new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(request)) }),
      );
      payload = Buffer.from(result.Payload ?? []).toString('utf8');
      if (result.FunctionError) throw new Error(payload.slice(0, 200));
    } catch {
      throw new HttpError(
        503,
        'the tutor could not answer; your question was not saved, please send it again',
      );
    }
    const body = JSON.parse(payload) as {
      answer?: unknown;
      provider?: unknown;
      model?: unknown;
      costDollars?: number;
    };
    if (typeof body.answer !== 'string')
      throw new HttpError(503, 'the tutor gave no answer; your question was not saved, please send it again');
    return {
      answer: body.answer,
      provider: String(body.provider),
      model: String(body.model),
      costDollars: body.costDollars ?? null,
    };
  };
}
