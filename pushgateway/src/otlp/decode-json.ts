import { HttpError } from '../http/http-error';
import {
  Budget,
  checkAttributes,
  type DecodeLimits,
  type KeyValue,
  METRIC_KINDS,
  type OtlpMetric,
  type OtlpResource,
  type Point,
  tooMany,
} from './decode';

/** OTLP/JSON requests: the same resources and metrics as protobuf (decode.ts), within the same limits. */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown, where: string): unknown[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new HttpError(400, `OTLP/JSON: ${where} must be an array`);
  return v;
};
const object = (v: unknown, where: string): Json => {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new HttpError(400, `OTLP/JSON: ${where} must be an object`);
  return v;
};

/** Reads an OTLP/JSON ExportMetricsServiceRequest (lowerCamelCase keys; unknown keys ignored, as the spec asks). */
export function readJsonRequest(body: Buffer, limits: DecodeLimits): OtlpResource[] {
  // Every object and array costs memory once parsed: counted on the bytes first, as protobuf is.
  let structures = 0;
  for (const byte of body) if (byte === 0x7b || byte === 0x5b) structures++;
  const maxStructures = limits.maxPoints * 16 + limits.maxAttributes * 64;
  if (structures > maxStructures)
    throw tooMany(`${structures} JSON objects and arrays, more than ${maxStructures} (16 per data point)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `body is not OTLP/JSON: ${(error as Error).message}`);
  }
  const budget = new Budget(limits);
  return list(object(parsed, 'the request').resourceMetrics, 'resourceMetrics').map((rm, r) => {
    budget.item('metric');
    const where = `resourceMetrics[${r}]`;
    const entry = object(rm, where);
    const resource = object(entry.resource, `${where}.resource`);
    const metrics = list(entry.scopeMetrics, `${where}.scopeMetrics`).flatMap((sm, s) =>
      list(object(sm, `${where}.scopeMetrics[${s}]`).metrics, `${where}.scopeMetrics[${s}].metrics`).map(
        (m, i) => {
          budget.item('metric');
          return jsonMetric(object(m, `${where}.scopeMetrics[${s}].metrics[${i}]`), budget);
        },
      ),
    );
    const attributes = list(resource.attributes, `${where}.resource.attributes`) as KeyValue[];
    checkAttributes(attributes.length, limits, 'a resource');
    return { attributes, metrics };
  });
}

function jsonMetric(m: Json, budget: Budget): OtlpMetric {
  const kind = METRIC_KINDS.findLast((k) => m[k] !== undefined && m[k] !== null);
  const data = kind ? object(m[kind], kind) : {};
  const points = list(data.dataPoints, `${String(m.name)}.dataPoints`);
  budget.point(points.length);
  for (const p of points) {
    if (!isObject(p))
      throw new HttpError(400, `OTLP/JSON: a data point of ${String(m.name)} is not an object`);
    checkAttributes(
      list(p.attributes, 'attributes').length,
      budget.limits,
      `a data point of "${String(m.name)}"`,
    );
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    name: text(m.name),
    description: text(m.description),
    unit: text(m.unit),
    kind,
    temporality: Number(data.aggregationTemporality ?? 0),
    monotonic: data.isMonotonic === true,
    pointCount: points.length,
    points: () => points as Point[],
  };
}
