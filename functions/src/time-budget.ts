/**
 * How long a question may take, end to end, so that a slow AI provider ends in a clean answer from
 * us (the offline tutor, or a 504 with a message) and never in the platform's own cut-off: API
 * Gateway's HTTP API and Heroku's router both end a request at 30 s (the router with H12, API
 * Gateway with a bare 503), and a Lambda killed at its timeout pushes no metric at all.
 *
 *   tutor  = AI_TIMEOUT_MS per attempt × 2 (one retry) + 1 s to fall back   (default 12 + 12 + 1 = 25 s)
 *   API    = AI_CALL_TIMEOUT_MS, above the tutor's bound                   (default 26 s)
 *   Lambda = the api function's timeout in serverless.yml, above the API's  (29 s)
 *   front door = 30 s
 */
export const FRONT_DOOR_LIMIT_MS = 30_000;
export const DEFAULT_AI_TIMEOUT_MS = 12_000;
export const DEFAULT_AI_CALL_TIMEOUT_MS = 26_000;
/** Leave this much between the API's own deadline and the front door's, for the response itself. */
export const RESPONSE_MARGIN_MS = 2_000;

/** The tutor's worst case for one answer: an attempt, one retry, and the fallback. */
export const tutorBoundMs = (aiTimeoutMs: number) => aiTimeoutMs * 2 + 1_000;
