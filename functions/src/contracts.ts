/**
 * What other workspaces may use of the API (package export `@brainbytes/functions/contracts`):
 * the wire contracts, defined once. The web app imports their types (erased at build) and its
 * tests the API's own validators; nothing else of functions/ is reachable from outside.
 */

export type { TutorAnswer } from './ai/contract';
export { MAX_BODY_BYTES } from './api/app';
export type { StoredQuestion } from './api/learning';
export { parseRumBatch, type RumEvent } from './api/rum';
