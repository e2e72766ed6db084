import { z } from 'zod';

/** A question and its answer as stored (asked, or in a session's history); on the wire with its HTML (answer-html.ts). */
export const questionRow = z
  .object({
    id: z.string().uuid(),
    session_id: z.string().uuid(),
    subject: z.string(),
    question: z.string(),
    answer: z.string(),
    provider: z.string(),
    model: z.string(),
    created_at: z.string(),
  })
  .strict();

export type QuestionRow = z.infer<typeof questionRow>;

/** The columns of `questions` a QuestionRow is read from. */
export const QUESTION_COLUMNS = 'id, session_id, subject, question, answer, provider, model, created_at';
