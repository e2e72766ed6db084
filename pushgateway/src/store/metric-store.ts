import { type ParsedPush, type ParseLimits, parseExposition } from '../exposition/parse';
import type { Labels, MetricType } from '../exposition/types';
import { checkBudget } from './budget';
import { checkConsistency, needsOwnerIndex, seriesOwners } from './consistency';
import { mergeDelta } from './delta';
import { labelText, withGroupingLabels } from './label-text';
import { normalizeFamilies } from './normalize';
import { PushIdWindow, pushFingerprint } from './push-id-window';
import { inconsistentPush, PushRefused } from './refusal';
import { familyBytes, flatCopy, GROUP_OVERHEAD_BYTES, seriesOf } from './series-count';
import { signatureOf } from './signature';
import type { ApplyResult, Group, Operation, StoredFamily } from './types';

export interface StoreOptions {
  /** Ordinary groups not pushed for this long are dropped; 0 keeps them, as the official gateway does. */
  groupTtlMs: number;
  deltaTtlMs: number;
  maxSeries: number;
  /** PUSHGATEWAY_MAX_BYTES: what the stored data may cost, in memory or on disk, whichever is more. */
  maxBytes: number;
  maxGroups: number;
  pushIdWindow: number;
  pushIdMaxAgeMs: number;
  /** The gateway's own metric names; a push may not use them. */
  reservedNames: ReadonlySet<string>;
  parseLimits: ParseLimits;
}

/**
 * Where each metric name lives: its type across groups, the groups holding it, and the sets of
 * grouping label names those groups use. Two groups with the same names always differ in some
 * value that every one of their series carries, so series can only collide across signatures.
 */
export interface FamilyIndex {
  name: string;
  type: MetricType;
  help: string | undefined;
  holders: Map<string, StoredFamily>;
  signatures: Map<string, { names: string[]; count: number }>;
  /**
   * Series key → the group holding it, built the first time groups of more than
   * MAX_PROJECTED_SIGNATURES label-name sets hold the name (fewer are checked by projection,
   * consistency.ts) and kept up to date from then on: a lookup per pushed series, whatever the
   * number of groups, at no memory cost for the usual family of a few sets.
   */
  owners?: Map<string, string>;
  /** Series (label sets) of the name across its holders: bounds the stale entries `owners` may keep. */
  metricCount: number;
}

export interface StoreEvents {
  onExpired?: (group: Group) => void;
}

const APPLIED: ApplyResult = { outcome: 'applied' };

export class MetricStore {
  readonly groups = new Map<string, Group>();
  readonly index = new Map<string, FamilyIndex>();
  readonly pushIds: PushIdWindow;
  seriesTotal = 0;
  /** The estimated cost of everything stored (see `bytesOf`), held under `maxBytes`. */
  bytesTotal = 0;
  /** Everything PUSHGATEWAY_MAX_BYTES bounds: the stored metrics and the push ids remembered. */
  get heldBytes(): number {
    return this.bytesTotal + this.pushIds.bytes;
  }
  /** Bumped by every change of the set of metric names, so renderers can cache the sorted list. */
  namesVersion = 0;

  constructor(
    readonly options: StoreOptions,
    private readonly events: StoreEvents = {},
  ) {
    this.pushIds = new PushIdWindow(options.pushIdWindow, options.pushIdMaxAgeMs);
  }

  /**
   * Parses a push body once; the result can be handed to `apply` to avoid parsing twice. `native`:
   * the body is the log's text of a protobuf push, which may carry native histograms.
   */
  parse(body: string, native = false): ParsedPush {
    return parseExposition(body, this.options.parseLimits, native);
  }

  apply(op: Operation, parsed?: ParsedPush): ApplyResult {
    if (op.kind === 'wipe') {
      for (const group of [...this.groups.values()]) this.removeGroup(group);
      return APPLIED;
    }
    if (op.kind === 'expire') {
      this.expire(op.time);
      return APPLIED;
    }
    const key = labelText(op.group);
    const existing = this.groups.get(key);
    if (existing && this.isExpired(existing, op.time)) {
      this.removeGroup(existing);
      this.events.onExpired?.(existing);
    }
    if (op.kind === 'delete') {
      const group = this.groups.get(key);
      if (group) this.removeGroup(group);
      return APPLIED;
    }
    const fingerprint = op.pushId === undefined ? '' : pushFingerprint(op, key);
    if (op.pushId !== undefined) {
      const applied = this.pushIds.get(op.pushId, op.time);
      if (applied !== undefined && applied !== '' && applied !== fingerprint) {
        return {
          outcome: 'refused',
          refusal: new PushRefused(
            'push_id_reused',
            `X-Push-Id "${op.pushId}" was used for a different push (body, group or mode); give each new push a new id`,
          ),
        };
      }
      if (applied !== undefined) return { outcome: 'duplicate' };
    }
    try {
      const push = parsed ?? this.parse(op.body, op.native);
      this.applyPush(key, op, push);
      if (op.pushId !== undefined) this.pushIds.add(op.pushId, op.time, fingerprint);
      return APPLIED;
    } catch (error) {
      if (!(error instanceof PushRefused)) throw error;
      if (error.inconsistent) {
        const group = this.groupFor(key, op.group, op.time);
        if (group) {
          group.failureTime = op.time / 1000;
          group.lastPushMs = op.time;
          group.timeText = undefined;
        }
      }
      return { outcome: 'refused', refusal: error };
    }
  }

  /** Drops groups not pushed within their TTL; returns how many. */
  expire(nowMs: number): number {
    if (this.options.groupTtlMs === 0 && this.options.deltaTtlMs === 0) return 0;
    let dropped = 0;
    for (const group of [...this.groups.values()]) {
      if (!this.isExpired(group, nowMs)) continue;
      this.removeGroup(group);
      this.events.onExpired?.(group);
      dropped++;
    }
    return dropped;
  }

  /** Whether any group is past its TTL at `nowMs` (what `expire` would drop). */
  hasExpired(nowMs: number): boolean {
    if (this.options.groupTtlMs === 0 && this.options.deltaTtlMs === 0) return false;
    for (const group of this.groups.values()) if (this.isExpired(group, nowMs)) return true;
    return false;
  }

  private isExpired(group: Group, nowMs: number): boolean {
    const ttl = group.delta ? this.options.deltaTtlMs : this.options.groupTtlMs;
    return ttl > 0 && nowMs - group.lastPushMs > ttl;
  }

  private applyPush(key: string, op: Extract<Operation, { kind: 'push' }>, push: ParsedPush) {
    const incoming = normalizeFamilies(push.families, op.group);
    if (push.hasTimestamp) throw inconsistentPush('pushed metrics must not have timestamps');
    const group = this.groups.get(key);
    const replaced = (name: string) => !op.delta && (op.method === 'PUT' || incoming.has(name));
    checkConsistency(this.index, this.options.reservedNames, {
      groupKey: key,
      labels: op.group,
      group,
      incoming,
      replaced,
      delta: op.delta,
    });

    checkBudget({ seriesTotal: this.seriesTotal, bytesTotal: this.heldBytes }, this.options, {
      key,
      group,
      incoming,
      replaced,
      delta: op.delta,
    });

    const target = group ?? this.groupFor(key, op.group, op.time);
    if (!target) {
      throw new PushRefused(
        'groups',
        `the gateway already holds ${this.options.maxGroups} groups (PUSHGATEWAY_MAX_GROUPS); push refused`,
      );
    }
    if (!op.delta) {
      for (const family of [...target.families.values()]) {
        if (replaced(family.name)) this.detachFamily(target, family);
      }
    }
    for (const family of incoming.values()) {
      const current = op.delta ? target.families.get(family.name) : undefined;
      if (current) {
        this.detachFamily(target, current);
        this.attachFamily(target, mergeDelta(current, family));
      } else {
        this.attachFamily(target, op.delta ? mergeDelta(undefined, family) : family);
      }
    }
    target.pushTime = op.time / 1000;
    target.lastPushMs = op.time;
    target.delta = op.delta;
    target.timeText = undefined;
  }

  private groupFor(key: string, labels: Labels, time: number): Group | undefined {
    const existing = this.groups.get(key);
    if (existing) return existing;
    if (this.groups.size >= this.options.maxGroups) return undefined;
    const sorted = [...labels].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const group: Group = {
      key,
      labels: sorted,
      signature: signatureOf(sorted),
      families: new Map(),
      pushTime: 0,
      failureTime: 0,
      lastPushMs: time,
      delta: false,
    };
    this.groups.set(key, group);
    this.bytesTotal += GROUP_OVERHEAD_BYTES + 2 * key.length;
    return group;
  }

  /**
   * Empties the store before its state is read again (a snapshot, then the log after it): unlike a
   * wipe, it forgets the push ids too, so that the log's pushes are not taken for retries.
   */
  reset() {
    this.apply({ kind: 'wipe', time: 0 });
    this.pushIds.clear();
  }

  /** Restores a group as it was persisted (snapshot load). */
  restoreGroup(group: Group) {
    this.groups.set(group.key, group);
    this.bytesTotal += GROUP_OVERHEAD_BYTES + 2 * group.key.length;
    const families = [...group.families.values()];
    group.families.clear();
    for (const family of families) this.attachFamily(group, family);
  }

  private removeGroup(group: Group) {
    for (const family of [...group.families.values()]) this.detachFamily(group, family);
    this.groups.delete(group.key);
    this.bytesTotal -= GROUP_OVERHEAD_BYTES + 2 * group.key.length;
  }

  private attachFamily(group: Group, family: StoredFamily) {
    let entry = this.index.get(family.name);
    if (!entry) {
      const name = flatCopy(family.name);
      entry = {
        name,
        type: family.type,
        help: family.help,
        holders: new Map(),
        signatures: new Map(),
        metricCount: 0,
      };
      this.index.set(name, entry);
      this.namesVersion++;
    }
    family.name = entry.name;
    // The HELP of a family is its own (each group may say it differently), never a slice of the body.
    if (family.help !== undefined)
      family.help = family.help === entry.help ? entry.help : flatCopy(family.help);
    group.families.set(family.name, family);
    entry.type = family.type;
    if (family.help !== undefined) entry.help = family.help;
    entry.holders.set(group.key, family);
    const signature = entry.signatures.get(group.signature);
    if (signature) signature.count++;
    else entry.signatures.set(group.signature, { names: group.labels.map(([n]) => n), count: 1 });
    entry.metricCount += family.metrics.size;
    if (entry.owners) {
      for (const key of family.metrics.keys()) entry.owners.set(key, group.key);
      // Detaching leaves entries behind (see detachFamily); past twice the live count, start afresh.
      if (entry.owners.size > 2 * entry.metricCount + 1024) {
        entry.owners = undefined;
        seriesOwners(entry);
      }
    } else if (needsOwnerIndex(entry)) seriesOwners(entry);
    for (const metric of family.metrics.values()) this.seriesTotal += seriesOf(metric);
    this.bytesTotal += familyBytes(family);
  }

  private detachFamily(group: Group, family: StoredFamily) {
    group.families.delete(family.name);
    const entry = this.index.get(family.name);
    for (const metric of family.metrics.values()) this.seriesTotal -= seriesOf(metric);
    this.bytesTotal -= familyBytes(family);
    if (!entry) return;
    entry.holders.delete(group.key);
    const signature = entry.signatures.get(group.signature);
    if (signature && --signature.count === 0) entry.signatures.delete(group.signature);
    entry.metricCount -= family.metrics.size;
    // `owners` is kept, once built, for as long as the name is held, and is not pruned here: a PUT
    // detaches and re-attaches the same keys, and deleting then re-adding them churns the map.
    // A stale entry is told apart on lookup (consistency.ts checks the owner still holds the key).
    if (entry.holders.size === 0) {
      this.index.delete(family.name);
      this.namesVersion++;
    }
  }

  /** Labels of a group's push_time_seconds series, `instance=""` included as the official gateway does. */
  static timeSeriesLabels(group: Group): string {
    return labelText(withGroupingLabels([], group.labels));
  }
}
