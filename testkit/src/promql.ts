import { parser } from '@prometheus-io/lezer-promql';

/** Grafana's variables, replaced by what Grafana would send, so the query is plain PromQL. */
export function withGrafanaVariables(expr: string, rateInterval = '5m'): string {
  return expr
    .replaceAll('$__rate_interval', rateInterval)
    .replaceAll('$__interval', rateInterval)
    .replaceAll('$environment', '.*');
}

/** Syntax errors lezer-promql finds, as the text around each, and the metric names selected. */
export function inspectPromql(expr: string): { errors: string[]; metrics: string[] } {
  const errors: string[] = [];
  const metrics: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError)
        errors.push(`at ${node.from}: …${expr.slice(Math.max(0, node.from - 20), node.to + 20)}…`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        metrics.push(expr.slice(node.from, node.to));
    },
  });
  return { errors, metrics };
}
