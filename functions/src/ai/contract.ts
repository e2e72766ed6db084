import { z } from 'zod';
import { SUBJECTS, type Subject } from './curriculum';

/**
 * The AI function's wire contract, defined once: what the API sends (over HTTP locally and on
 * Heroku, with Lambda's InvokeCommand on AWS) and the answer it reads back, whichever way it came.
 */
export const answerRequest = z.object({
  question: z.string().trim().min(1, 'required, 1 to 2000 characters').max(2000, 'at most 2000 characters'),
  subject: z.enum(SUBJECTS as [Subject, ...Subject[]], { message: `one of ${SUBJECTS.join(', ')}` }),
  history: z
    .array(
      z.object({ role: z.enum(['student', 'tutor']), text: z.string().max(2000, 'at most 2000 characters') }),
    )
    .max(10, 'at most 10 earlier turns')
    .default([]),
  stream: z.boolean().optional(),
  /** The API's spend ceiling is near: answer in fewer tokens (BRIEF_MAX_TOKENS). */
  brief: z.boolean().optional(),
});

/**
 * What asking the tutor takes, the one description of it: the API's two clients send it (HTTP and
 * Lambda), the tutor answers it. `stream` is only the HTTP route's business.
 */
export type TutorRequest = Omit<z.output<typeof answerRequest>, 'stream'>;

export const tutorAnswer = z.object({
  answer: z.string().min(1),
  provider: z.string(),
  model: z.string(),
  /**
   * What the call cost in dollars; `null` when the model has no price (counted as unknown spend).
   * Missing or malformed reads as unknown too: a bookkeeping field never costs a student the answer.
   */
  costDollars: z.number().min(0).nullable().catch(null),
});

export type TutorAnswer = z.infer<typeof tutorAnswer>;

/** The answer in a tutor's reply, or undefined when the reply holds none. */
export function readTutorAnswer(body: unknown): TutorAnswer | undefined {
  const parsed = tutorAnswer.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}
