const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;
export type Logger = Record<LogLevel, (msg: string, fields?: Record<string, unknown>) => void>;

export const LOG_LEVELS = Object.keys(LEVELS) as LogLevel[];

/**
 * JSON lines on stdout, one object per event. Callers pass fields, never headers, bodies or
 * credentials, so no secret reaches the logs; errors are reduced to message and stack.
 */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const log =
    (at: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS[at] < LEVELS[level]) return;
      const extra = Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [
          k,
          v instanceof Error ? { message: v.message, stack: v.stack } : v,
        ]),
      );
      write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...extra })}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
