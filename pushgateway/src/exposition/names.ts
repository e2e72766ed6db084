// Name rules from the Prometheus data model
// (https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels).
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const isMetricName = (name: string) => METRIC_NAME.test(name);
export const isLabelName = (name: string) => LABEL_NAME.test(name);
/** Names starting with `__` are reserved for Prometheus' internal use. */
export const isReservedLabelName = (name: string) => name.startsWith('__');
