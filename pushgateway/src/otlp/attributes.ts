import { formatValue } from '@brainbytes/telemetry/metrics';
import type { Labels } from '../exposition/types';
import { HttpError } from '../http/http-error';
import type { AnyValue, KeyValue } from './decode';
import { labelName } from './names';

/** OTLP attributes as Prometheus labels, the way Prometheus's own OTLP receiver writes them. */

const MAX_DEPTH = 8;

/** An attribute's value as Prometheus writes it into a label: scalars as text, lists and maps as JSON. */
export function valueText(value: AnyValue | null | undefined): string {
  if (!value) return '';
  if (value.stringValue !== undefined && value.stringValue !== null) return String(value.stringValue);
  const json = jsonOf(value, 0);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

function jsonOf(value: AnyValue | null | undefined, depth: number): unknown {
  if (depth > MAX_DEPTH)
    throw new HttpError(400, `an attribute value is nested deeper than ${MAX_DEPTH} levels`);
  if (!value) return null;
  const has = (key: keyof AnyValue) => value[key] !== undefined && value[key] !== null;
  if (has('stringValue')) return String(value.stringValue);
  if (has('boolValue')) return String(value.boolValue);
  if (has('intValue')) return String(value.intValue);
  if (has('doubleValue')) return formatValue(Number(value.doubleValue));
  if (has('bytesValue')) {
    const bytes = value.bytesValue!;
    return typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('base64');
  }
  if (has('arrayValue')) return (value.arrayValue!.values ?? []).map((v) => jsonOf(v, depth + 1));
  if (has('kvlistValue'))
    return Object.fromEntries(
      (value.kvlistValue!.values ?? []).map((kv) => [kv.key ?? '', jsonOf(kv.value, depth + 1)]),
    );
  return null;
}

/** Attribute keys repeat from point to point: their label names are remembered (a bounded map). */
const NAMES = new Map<string, string | undefined>();
function nameOf(key: string): string {
  let name = NAMES.get(key);
  if (name === undefined) {
    name = labelName(key);
    if (name !== undefined) {
      if (NAMES.size >= 4096) NAMES.clear();
      NAMES.set(key, name);
    }
  }
  if (!name)
    throw new HttpError(400, `attribute key "${key.slice(0, 64)}" has no character a label name can keep`);
  return name;
}

const byName = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Attributes as sorted labels; keys that translate to the same name are joined with `;`, as Prometheus does. */
export function labelsOf(attributes: KeyValue[] | undefined, skip: readonly string[] = []): Labels {
  const labels: Labels = [];
  let collided = false;
  for (const kv of attributes ?? []) {
    const key = kv.key ?? '';
    if (skip.includes(key)) continue;
    const name = nameOf(key);
    collided ||= labels.some((l) => l[0] === name);
    labels.push([name, valueText(kv.value)]);
  }
  if (!collided) return labels.sort(byName);
  const byLabel = new Map<string, Array<[string, string]>>();
  for (const kv of attributes ?? []) {
    const key = kv.key ?? '';
    if (skip.includes(key)) continue;
    const list = byLabel.get(nameOf(key)) ?? [];
    list.push([key, valueText(kv.value)]);
    byLabel.set(nameOf(key), list);
  }
  return [...byLabel]
    .map(([name, list]): [string, string] => [
      name,
      list
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([, v]) => v)
        .join(';'),
    ])
    .sort(byName);
}

export const seriesKey = (labels: Labels) => labels.map(([n, v]) => `${n}\u0000${v}`).join('\u0001');
