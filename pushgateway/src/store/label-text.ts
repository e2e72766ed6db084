import { escapeLabelValue } from '@brainbytes/telemetry/metrics';
import type { Labels } from '../exposition/types';

/** Sorted `name="value"` pairs joined by commas: the identity and the rendering of a label set. */
export function labelText(labels: Labels): string {
  const sorted =
    labels.length > 1 ? [...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) : labels;
  // join() makes one flat string; `+=` would keep a rope of small strings alive for every series.
  return sorted.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',');
}

/** Body labels with the grouping labels laid over them, and `instance=""` when no instance is given. */
export function withGroupingLabels(body: Labels, grouping: Labels): Labels {
  const merged = new Map(body);
  for (const [name, value] of grouping) merged.set(name, value);
  if (!merged.has('instance')) merged.set('instance', '');
  return [...merged];
}
