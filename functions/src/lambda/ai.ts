import { createLogger } from '@brainbytes/telemetry/service';
import { loadAiConfig } from '../ai/config';
import { answerRequest } from '../ai/contract';
import { Tutor } from '../ai/tutor';
import { lambdaRuntime } from './runtime';

const runtime = lambdaRuntime('ai');
let tutor: Tutor | undefined;

/** Invoked directly by the API (InvokeCommand): `{question, subject, history}` → the tutor's answer. */
export const handler = runtime.wrap(async (event: unknown) => {
  if (!tutor) {
    const config = loadAiConfig();
    tutor = new Tutor(config, runtime.metrics, createLogger(config.logLevel));
  }
  const parsed = answerRequest.safeParse(event);
  if (!parsed.success)
    throw new Error(
      `bad request: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
    );
  const { stream: _stream, ...request } = parsed.data;
  return tutor.answer(request);
});
