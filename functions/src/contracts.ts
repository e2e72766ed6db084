/**
 * What other workspaces may use of the API (package export `@brainbytes/functions/contracts`):
 * the wire contracts, defined once as zod schemas with their types inferred. The web app imports
 * the types (erased at build: no validator in a phone's download) and its tests the schemas. The
 * package's other exports (db/, jobs/) are for monitoring's tests that run the real statement job.
 */

export { answerRequest, type TutorAnswer, tutorAnswer } from './ai/contract';
export { type StoredQuestion, storedQuestion } from './api/answer-html';
export { MAX_BODY_BYTES } from './api/app';
export { parseRumBatch, type RumEvent } from './api/rum';
