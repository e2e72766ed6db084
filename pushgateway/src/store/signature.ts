import type { Labels } from '../exposition/types';

/** The sorted grouping label names of a group. */
export const signatureOf = (labels: Labels) =>
  labels
    .map(([name]) => name)
    .sort()
    .join(',');

/**
 * The gateway's state: groups of metric families, indexed by metric name so that a push is checked
 * against what it touches, not against the whole store. `apply` is deterministic given the
 * operation (it reads no clock), so replaying the persistence log rebuilds the same state.
 */
