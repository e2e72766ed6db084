/**
 * The Heroku error codes (Dev Center: "Error Codes") that monitoring alerts on. The exporter starts
 * their counters at 0 so `increase()` sees the first one; the alert rules are generated from the
 * same list, so the two cannot drift apart.
 */
export const ALERTED_HEROKU_CODES = {
  /** Router: H10 app crashed, H12 request timeout. */
  router: ['H10', 'H12'],
  /** Dyno: R10 boot timeout, R14 memory quota exceeded, R15 memory quota vastly exceeded. */
  dyno: ['R10', 'R14', 'R15'],
  /** Logplex: L10 drain buffer overflow (log lines, and so drain metrics, lost). */
  logplex: ['L10'],
} as const;
