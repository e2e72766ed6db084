const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;
export type Logger = Record<LogLevel, (msg: string, fields?: Record<string, unknown>) => void>;

export const LOG_LEVELS = Object.keys(LEVELS) as LogLevel[];

// `scheme://user:password@host`: the password goes, the rest stays useful.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s/@]+@/gi;
// `Authorization: Bearer …` / `Basic …` values that reach a message.
const AUTH_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** A text with the credentials in its URLs and authorization values replaced by `***`. */
export function redact(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1:***@').replace(AUTH_VALUE, '$1 ***');
}

function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (value instanceof Error) return { message: redact(value.message), stack: redact(value.stack ?? '') };
  if (depth > 3 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, depth + 1)]));
}

/**
 * JSON lines on stdout, one object per event. Callers pass fields, never headers, bodies or
 * credentials; as a second line of defence every string is redacted (`redact`), so a URL with
 * `user:password@` or an authorization value logged by mistake shows `***`. Errors are reduced
 * to message and stack.
 */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const log =
    (at: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS[at] < LEVELS[level]) return;
      const extra = redactValue(fields) as Record<string, unknown>;
      write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg: redact(msg), ...extra })}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
