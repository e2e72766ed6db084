import protobuf from 'protobufjs/light.js';
import { HttpError } from '../http/http-error';
import { FIELD, OTLP_PROTO } from './otlp-proto';

/**
 * An OTLP ExportMetricsServiceRequest, read from protobuf or JSON into one shape. Protobuf is
 * walked field by field down to each metric's data points, which are decoded one at a time when
 * translated: a body of a million empty points is refused by its count, never turned into a
 * million objects. Both forms count resources, metrics and points against `maxPoints` (413).
 */
export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';
export const METRIC_KINDS: readonly MetricKind[] = [
  'gauge',
  'sum',
  'histogram',
  'exponentialHistogram',
  'summary',
];

interface Long {
  toString(): string;
}
export type Int = number | string | Long;
export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int;
  doubleValue?: number | string;
  arrayValue?: { values?: AnyValue[] } | null;
  kvlistValue?: { values?: KeyValue[] } | null;
  bytesValue?: Uint8Array | string;
}
export interface KeyValue {
  key?: string;
  value?: AnyValue | null;
}
export interface NumberPoint {
  attributes?: KeyValue[];
  asDouble?: number | string;
  asInt?: Int;
  flags?: number;
}
export interface HistogramPoint {
  attributes?: KeyValue[];
  count?: Int;
  sum?: number | string;
  bucketCounts?: Int[];
  explicitBounds?: Array<number | string>;
  flags?: number;
}
export interface SummaryPoint {
  attributes?: KeyValue[];
  count?: Int;
  sum?: number | string;
  quantileValues?: Array<{ quantile?: number | string; value?: number | string }>;
  flags?: number;
}
export interface ExponentialPoint {
  attributes?: KeyValue[];
  count?: Int;
  sum?: number | string;
  scale?: number;
  zeroCount?: Int;
  zeroThreshold?: number | string;
  positive?: { offset?: number; bucketCounts?: Int[] } | null;
  negative?: { offset?: number; bucketCounts?: Int[] } | null;
  flags?: number;
}
export type Point = NumberPoint & HistogramPoint & SummaryPoint & ExponentialPoint;

export interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  kind: MetricKind | undefined;
  /** 1 delta, 2 cumulative, 0 unspecified (gauges and summaries have none). */
  temporality: number;
  monotonic: boolean;
  pointCount: number;
  points(): Iterable<Point>;
}

export interface OtlpResource {
  attributes: KeyValue[];
  metrics: OtlpMetric[];
}

const root = protobuf.Root.fromJSON(OTLP_PROTO);
const type = (name: string) => root.lookupType(`otlp.${name}`);
const ResourceType = type('Resource');
const POINT_TYPES: Record<MetricKind, protobuf.Type> = {
  gauge: type('NumberDataPoint'),
  sum: type('NumberDataPoint'),
  histogram: type('HistogramDataPoint'),
  exponentialHistogram: type('ExponentialHistogramDataPoint'),
  summary: type('SummaryDataPoint'),
};
export const ResponseType = type('ExportMetricsServiceResponse');
export const StatusType = type('Status');

/** uint64, int64 and fixed64 arrive as numbers, Long objects or (in JSON) decimal strings. */
export const num = (v: Int | undefined): number =>
  typeof v === 'number' ? v : v === undefined || v === null ? 0 : Number(v.toString());

export interface DecodeLimits {
  /** PUSHGATEWAY_MAX_SERIES_PER_PUSH: resources, metrics and points of one request. */
  maxPoints: number;
  /** PUSHGATEWAY_OTLP_MAX_ATTRIBUTES: attributes of one point or resource. */
  maxAttributes: number;
}

/** What one request may hold, counted as it is read (protobuf and JSON alike). */
export class Budget {
  points = 0;
  items = 0;
  readonly max: number;
  constructor(readonly limits: DecodeLimits) {
    this.max = limits.maxPoints;
  }
  point(count = 1) {
    this.points += count;
    if (this.points > this.max) throw tooMany(`more than ${this.max} data points`);
  }
  item(what: string) {
    if (++this.items > this.max) throw tooMany(`more than ${this.max} ${what}s and resources`);
  }
}
/** Refuses a point or resource with more attributes than the limit (counted on the wire, before decoding). */
export function checkAttributes(count: number, limits: DecodeLimits, where: string) {
  if (count > limits.maxAttributes)
    throw new HttpError(
      400,
      `${where} has ${count} attributes, more than ${limits.maxAttributes} (PUSHGATEWAY_OTLP_MAX_ATTRIBUTES)`,
      'label_length',
    );
}

/** How many times field `field` occurs in the message `bytes`. */
function countField(bytes: Uint8Array, field: number): number {
  const reader = protobuf.Reader.create(bytes);
  let count = 0;
  fields(reader, bytes.length, (f) => {
    if (f === field) count++;
    return false;
  });
  return count;
}

export const tooMany = (what: string) =>
  new HttpError(413, `the OTLP request holds ${what} (PUSHGATEWAY_MAX_SERIES_PER_PUSH)`, 'series_per_push');

/** Calls `visit` for each field of the message ending at `end`; fields it does not take are skipped. */
function fields(reader: protobuf.Reader, end: number, visit: (field: number, wire: number) => boolean) {
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (!visit(tag >>> 3, tag & 7)) reader.skipType(tag & 7);
  }
  if (reader.pos !== end) throw new Error('a field runs past the end of its message');
}

/** Bytes of the length-delimited fields `wanted` in the message `bytes`. */
function fieldBytes(bytes: Uint8Array, wanted: readonly number[]): number {
  const reader = protobuf.Reader.create(bytes);
  let total = 0;
  fields(reader, bytes.length, (field, wire) => {
    if (wire !== 2 || !wanted.includes(field)) return false;
    const length = reader.uint32();
    total += length;
    reader.pos += length;
    return true;
  });
  return total;
}

/** An exponential histogram point's positive and negative buckets (ExponentialHistogramDataPoint fields 8, 9). */
const EXPONENTIAL_BUCKETS = [8, 9] as const;

/** The end of the length-delimited field the reader stands on, checked against its parent's end. */
function messageEnd(reader: protobuf.Reader, parentEnd: number): number {
  const end = reader.uint32() + reader.pos;
  if (end > parentEnd) throw new Error('a message runs past the end of its parent');
  return end;
}

/** Reads a binary ExportMetricsServiceRequest. */
export function readProtobufRequest(body: Uint8Array, limits: DecodeLimits): OtlpResource[] {
  const reader = protobuf.Reader.create(body);
  const budget = new Budget(limits);
  const resources: OtlpResource[] = [];
  try {
    fields(reader, body.length, (field, wire) => {
      if (field !== FIELD.request.resourceMetrics || wire !== 2) return false;
      budget.item('metric');
      resources.push(resourceMetrics(reader, body, messageEnd(reader, body.length), budget));
      return true;
    });
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(
      400,
      `body is not an OTLP ExportMetricsServiceRequest in protobuf (at byte ${reader.pos}): ${(error as Error).message}`,
    );
  }
  return resources;
}

function resourceMetrics(
  reader: protobuf.Reader,
  body: Uint8Array,
  end: number,
  budget: Budget,
): OtlpResource {
  const resource: OtlpResource = { attributes: [], metrics: [] };
  fields(reader, end, (field, wire) => {
    if (wire !== 2) return false;
    if (field === FIELD.resourceMetrics.resource) {
      const stop = messageEnd(reader, end);
      checkAttributes(countField(body.subarray(reader.pos, stop), 1), budget.limits, 'a resource');
      const decoded = ResourceType.decode(body.subarray(reader.pos, stop)) as { attributes?: KeyValue[] };
      resource.attributes = decoded.attributes ?? [];
      reader.pos = stop;
      return true;
    }
    if (field !== FIELD.resourceMetrics.scopeMetrics) return false;
    const scopeEnd = messageEnd(reader, end);
    fields(reader, scopeEnd, (inner, innerWire) => {
      if (inner !== FIELD.scopeMetrics.metrics || innerWire !== 2) return false;
      budget.item('metric');
      resource.metrics.push(metric(reader, body, messageEnd(reader, scopeEnd), budget));
      return true;
    });
    return true;
  });
  return resource;
}

const KIND_OF_FIELD = new Map<number, MetricKind>([
  [FIELD.metric.gauge, 'gauge'],
  [FIELD.metric.sum, 'sum'],
  [FIELD.metric.histogram, 'histogram'],
  [FIELD.metric.exponentialHistogram, 'exponentialHistogram'],
  [FIELD.metric.summary, 'summary'],
]);

function metric(reader: protobuf.Reader, body: Uint8Array, end: number, budget: Budget): OtlpMetric {
  const found = { name: '', description: '', unit: '', kind: undefined as MetricKind | undefined };
  let temporality = 0;
  let monotonic = false;
  let spans = new Uint32Array(16);
  let count = 0;
  fields(reader, end, (field, wire) => {
    if (wire !== 2) return false;
    if (field === FIELD.metric.name) found.name = reader.string();
    else if (field === FIELD.metric.description) found.description = reader.string();
    else if (field === FIELD.metric.unit) found.unit = reader.string();
    else if (KIND_OF_FIELD.has(field)) {
      // A oneof: the last data field wins, as protobuf decoders do.
      found.kind = KIND_OF_FIELD.get(field);
      count = 0;
      temporality = 0;
      monotonic = false;
      const dataEnd = messageEnd(reader, end);
      fields(reader, dataEnd, (inner, innerWire) => {
        if (inner === FIELD.data.dataPoints && innerWire === 2) {
          budget.point();
          const length = reader.uint32();
          if (count * 2 + 2 > spans.length) {
            const grown = new Uint32Array(spans.length * 2);
            grown.set(spans);
            spans = grown;
          }
          spans[count * 2] = reader.pos;
          spans[count * 2 + 1] = length;
          count++;
          reader.pos += length;
          if (reader.pos > dataEnd) throw new Error('a data point runs past the end of its metric');
          return true;
        }
        if (inner === FIELD.data.aggregationTemporality && innerWire === 0) temporality = reader.int32();
        else if (inner === FIELD.data.isMonotonic && innerWire === 0) monotonic = reader.bool();
        else return false;
        return true;
      });
    } else return false;
    return true;
  });
  const kind = found.kind;
  const pointType = kind ? POINT_TYPES[kind] : undefined;
  const held = spans;
  const attributesField = kind === 'histogram' ? 9 : kind === 'exponentialHistogram' ? 1 : 7;
  const limits = budget.limits;
  return {
    ...found,
    temporality,
    monotonic,
    pointCount: count,
    *points() {
      if (!pointType) return;
      for (let i = 0; i < count * 2; i += 2) {
        const bytes = body.subarray(held[i]!, held[i]! + held[i + 1]!);
        checkAttributes(countField(bytes, attributesField), limits, `a data point of "${found.name}"`);
        // Each bucket count takes a byte at least: bounded on the wire before thousands are decoded.
        if (kind === 'exponentialHistogram' && bytes.length > limits.maxPoints * 10) {
          const bucketBytes = fieldBytes(bytes, EXPONENTIAL_BUCKETS);
          if (bucketBytes > limits.maxPoints * 10)
            throw tooMany(
              `an exponential histogram point of "${found.name}" with ${bucketBytes} bytes of buckets, more than ${limits.maxPoints * 10}`,
            );
        }
        yield pointType.decode(bytes) as Point;
      }
    },
  };
}
