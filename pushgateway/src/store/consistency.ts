import type { Labels } from '../exposition/types';
import { invalidDelta } from './delta';
import type { FamilyIndex } from './metric-store';
import { inconsistentPush } from './refusal';
import { signatureOf } from './signature';
import type { Group, StoredFamily } from './types';

/** Fields of every group's entry in `/api/v1/metrics`; a family of that name would overwrite one. */
export const API_FIELDS: ReadonlySet<string> = new Set(['labels', 'last_push_successful']);

export interface PushUnderCheck {
  groupKey: string;
  labels: Labels;
  group: Group | undefined;
  incoming: Map<string, StoredFamily>;
  /** Whether the push replaces this group's family of that name (PUT: all; POST: those it names; delta: none). */
  replaced: (name: string) => boolean;
  delta: boolean;
}

/**
 * The official gateway's consistency rules, checked against the metric-name index so the cost is
 * what the push touches: one type per name across groups, no clash with the gateway's own names or
 * with histogram/summary suffixes, no series another group already holds; for delta pushes, the
 * group's own type and no counter going down. Throws 400; stores nothing.
 */
export function checkConsistency(
  index: Map<string, FamilyIndex>,
  reservedNames: ReadonlySet<string>,
  { groupKey, labels, group, incoming, replaced, delta }: PushUnderCheck,
) {
  const existsElsewhere = (name: string): FamilyIndex | undefined => {
    const entry = index.get(name);
    if (!entry) return undefined;
    const own = entry.holders.has(groupKey) && replaced(name) ? 1 : 0;
    return entry.holders.size - own > 0 ? entry : undefined;
  };
  const fail = inconsistentPush;
  const signature = signatureOf(labels);

  for (const family of incoming.values()) {
    const { name, type } = family;
    if (reservedNames.has(name)) {
      throw fail(`metric name "${name}" is one of the gateway's own metrics and cannot be pushed`);
    }
    if (API_FIELDS.has(name)) {
      throw fail(`metric name "${name}" is a field of every group in /api/v1/metrics and cannot be pushed`);
    }
    const current = existsElsewhere(name);
    if (current && current.type !== type) {
      throw fail(`metric "${name}" is pushed as ${type} but is a ${current.type} in the gateway already`);
    }
    if (delta) {
      const own = group?.families.get(name);
      if (own && own.type !== type) {
        throw fail(`delta push of "${name}" as ${type}, but this group holds it as ${own.type}`);
      }
      const why = invalidDelta(family);
      if (why) throw fail(why);
    }
    const suffix = /_(count|sum|bucket)$/.exec(name);
    if (suffix) {
      const base = existsElsewhere(name.slice(0, suffix.index));
      if (base?.type === 'histogram' || (base?.type === 'summary' && suffix[1] !== 'bucket')) {
        throw fail(
          `collected metric named "${name}" collides with previously collected ${base.type} named "${name.slice(0, suffix.index)}"`,
        );
      }
    }
    if (type === 'histogram' || type === 'summary') {
      for (const end of type === 'histogram' ? ['_count', '_sum', '_bucket'] : ['_count', '_sum']) {
        if (existsElsewhere(name + end)) {
          throw fail(
            `collected histogram or summary named "${name}" collides with previously collected metric named "${name + end}"`,
          );
        }
      }
    }
    const entry = index.get(name);
    if (entry && (entry.signatures.size > 1 || !entry.signatures.has(signature))) {
      const clash = needsOwnerIndex(entry)
        ? ownedElsewhere(entry, family, groupKey)
        : projectedClash(entry, family, signature);
      if (clash) {
        throw fail(
          `collected metric "${name}" {${clash}} was collected before with the same name and label values`,
        );
      }
    }
  }
}

/**
 * Up to this many grouping-label-name sets per name, a pushed series is looked up in each other set's
 * group directly; past it (or once built), through the series-owner index. The usual families
 * (a handful of sets) then cost no memory beyond the store itself; the attack case costs no time.
 */
export const MAX_PROJECTED_SIGNATURES = 8;

export const needsOwnerIndex = (entry: FamilyIndex) =>
  entry.owners !== undefined || entry.signatures.size > MAX_PROJECTED_SIGNATURES;

/** A pushed series key another group holds, found through the owner index. */
function ownedElsewhere(entry: FamilyIndex, family: StoredFamily, groupKey: string): string | undefined {
  const owners = seriesOwners(entry);
  for (const key of family.metrics.keys()) {
    const owner = owners.get(key);
    if (owner !== undefined && owner !== groupKey && entry.holders.get(owner)?.metrics.has(key)) return key;
  }
  return undefined;
}

const PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * A pushed series key another group holds, found by projecting the series' labels onto each other
 * signature's names: the group that could hold it has exactly that key. Signatures × series lookups.
 */
function projectedClash(entry: FamilyIndex, family: StoredFamily, signature: string): string | undefined {
  for (const key of family.metrics.keys()) {
    const values = new Map<string, string>();
    for (const [, labelName, escaped] of key.matchAll(PAIR)) values.set(labelName!, escaped!);
    for (const [other, { names }] of entry.signatures) {
      if (other === signature) continue;
      const pairs: string[] = [];
      for (const labelName of names) {
        const escaped = values.get(labelName);
        if (escaped === undefined) break;
        pairs.push(`${labelName}="${escaped}"`);
      }
      if (pairs.length !== names.length) continue;
      if (entry.holders.get(pairs.join(','))?.metrics.has(key)) return key;
    }
  }
  return undefined;
}

/** The family's series-owner index, built from its holders the first time it is needed. */
export function seriesOwners(entry: FamilyIndex): Map<string, string> {
  if (!entry.owners) {
    entry.owners = new Map();
    for (const [groupKey, family] of entry.holders) {
      for (const key of family.metrics.keys()) entry.owners.set(key, groupKey);
    }
  }
  return entry.owners;
}
