/**
 * OTLP names as Prometheus's own OTLP receiver writes them (its default, underscore escaping with
 * suffixes; the OpenTelemetry "Prometheus and OpenMetrics compatibility" rules): invalid characters
 * become `_`, the unit is appended in words (`s` → `_seconds`, `By` → `_bytes`, `{request}/s` →
 * `_per_second`), monotonic sums end in `_total` and gauges of unit `1` in `_ratio`.
 */
const UNITS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};
const PER_UNITS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

const tokens = (text: string) => text.split(/[^a-zA-Z0-9:]+/).filter(Boolean);

/** The unit's words: the main unit and the "per" unit, each as name tokens. */
function unitTokens(unit: string): [string[], string[]] {
  const [main = '', per = ''] = unit.replace(/\{[^}]*\}/g, '').split('/', 2);
  const mainWords = tokens(UNITS[main.trim()] ?? main);
  const perWords = per.trim() ? tokens(PER_UNITS[per.trim()] ?? per) : [];
  return [mainWords, perWords.length ? ['per', ...perWords] : []];
}

export type NameKind = 'counter' | 'gauge' | 'other';

/** The Prometheus name of an OTLP metric, or undefined when nothing of it is a valid name. */
export function metricName(name: string, unit: string, kind: NameKind): string | undefined {
  let words = tokens(name);
  const [main, per] = unitTokens(unit);
  const joined = (list: string[]) => list.join('_');
  if (main.length && !words.includes(joined(main))) words.push(joined(main));
  if (per.length) words.push(joined(per));
  if (kind === 'counter') words = [...words.filter((w) => w !== 'total'), 'total'];
  if (kind === 'gauge' && unit.trim() === '1') words = [...words.filter((w) => w !== 'ratio'), 'ratio'];
  const result = words.join('_');
  if (!/[a-zA-Z0-9]/.test(result)) return undefined;
  return /^[0-9]/.test(result) ? `_${result}` : result;
}

/** The Prometheus label name of an OTLP attribute key, or undefined when it has no usable character. */
export function labelName(key: string): string | undefined {
  const name = key.replace(/[^a-zA-Z0-9_]/g, '_').replace(/__+/g, '_');
  if (!/[a-zA-Z0-9]/.test(name)) return undefined;
  return /^[0-9]/.test(name) ? `key_${name}` : name;
}
