/**
 * The parts of opentelemetry-proto's metrics, common, resource and collector messages the gateway
 * reads, as a protobufjs JSON descriptor with their field numbers (checked against
 * opentelemetry-proto's .proto files). Field names are the OTLP/JSON names (lowerCamelCase), so a
 * decoded protobuf message and a parsed OTLP/JSON body read the same way. Exemplars, scopes' own
 * fields and metadata are left out: protobufjs skips fields it does not know.
 */
const keyValues = (id: number) => ({ rule: 'repeated', type: 'KeyValue', id });

export const OTLP_PROTO = {
  nested: {
    otlp: {
      nested: {
        AnyValue: {
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
        KeyValueList: { fields: { values: keyValues(1) } },
        KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
        Resource: { fields: { attributes: keyValues(1) } },
        NumberDataPoint: {
          fields: {
            attributes: keyValues(7),
            timeUnixNano: { type: 'fixed64', id: 3 },
            asDouble: { type: 'double', id: 4 },
            asInt: { type: 'sfixed64', id: 6 },
            flags: { type: 'uint32', id: 8 },
          },
        },
        HistogramDataPoint: {
          fields: {
            attributes: keyValues(9),
            timeUnixNano: { type: 'fixed64', id: 3 },
            count: { type: 'fixed64', id: 4 },
            sum: { type: 'double', id: 5 },
            bucketCounts: { rule: 'repeated', type: 'fixed64', id: 6 },
            explicitBounds: { rule: 'repeated', type: 'double', id: 7 },
            flags: { type: 'uint32', id: 10 },
          },
        },
        ExponentialHistogramDataPoint: {
          fields: {
            attributes: keyValues(1),
            timeUnixNano: { type: 'fixed64', id: 3 },
            count: { type: 'fixed64', id: 4 },
            sum: { type: 'double', id: 5 },
            scale: { type: 'sint32', id: 6 },
            zeroCount: { type: 'fixed64', id: 7 },
            positive: { type: 'ExponentialBuckets', id: 8 },
            negative: { type: 'ExponentialBuckets', id: 9 },
            flags: { type: 'uint32', id: 10 },
            zeroThreshold: { type: 'double', id: 14 },
          },
        },
        /** ExponentialHistogramDataPoint.Buckets */
        ExponentialBuckets: {
          fields: {
            offset: { type: 'sint32', id: 1 },
            bucketCounts: { rule: 'repeated', type: 'uint64', id: 2 },
          },
        },
        ValueAtQuantile: {
          fields: { quantile: { type: 'double', id: 1 }, value: { type: 'double', id: 2 } },
        },
        SummaryDataPoint: {
          fields: {
            attributes: keyValues(7),
            timeUnixNano: { type: 'fixed64', id: 3 },
            count: { type: 'fixed64', id: 4 },
            sum: { type: 'double', id: 5 },
            quantileValues: { rule: 'repeated', type: 'ValueAtQuantile', id: 6 },
            flags: { type: 'uint32', id: 8 },
          },
        },
        ExportMetricsPartialSuccess: {
          fields: { rejectedDataPoints: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } },
        },
        ExportMetricsServiceResponse: {
          fields: { partialSuccess: { type: 'ExportMetricsPartialSuccess', id: 1 } },
        },
        /** google.rpc.Status, the body of every OTLP/HTTP failure. */
        Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } },
      },
    },
  },
};

/** Field numbers of the messages the gateway walks itself (so it can bound them before decoding). */
export const FIELD = {
  request: { resourceMetrics: 1 },
  resourceMetrics: { resource: 1, scopeMetrics: 2 },
  scopeMetrics: { metrics: 2 },
  metric: {
    name: 1,
    description: 2,
    unit: 3,
    gauge: 5,
    sum: 7,
    histogram: 9,
    exponentialHistogram: 10,
    summary: 11,
  },
  data: { dataPoints: 1, aggregationTemporality: 2, isMonotonic: 3 },
} as const;
