/**
 * Writing the Prometheus text exposition format 0.0.4, the one way every writer of ours does it:
 * the push client's deltas (delta.ts), the gateway's scrape (pushgateway/src/store/render.ts) and
 * the drain's series maps (exporters/heroku/src/drain/series.ts). Each walks its own data; the
 * escaping, the numbers and the family header come from here.
 */

/** Label value escaping: backslash, double quote, newline. */
export const escapeLabelValue = (value: string) =>
  /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;

/** HELP text escaping: backslash and newline (a quote stays as it is). */
export const escapeHelp = (help: string) =>
  /[\\\n]/.test(help) ? help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : help;

/** A sample value: the shortest decimal that reads back the same, or +Inf, -Inf, NaN (never `Infinity`). */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** `a="x",b="y"` from name and value pairs, in the order given, values escaped. */
export const labelPairs = (pairs: Iterable<readonly [string, string]>) =>
  Array.from(pairs, ([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',');

/** A family's `# HELP` (when it has one) and `# TYPE` lines. */
export const familyHeader = (name: string, type: string, help?: string) =>
  `${help === undefined ? '' : `# HELP ${name} ${escapeHelp(help)}\n`}# TYPE ${name} ${type}\n`;
