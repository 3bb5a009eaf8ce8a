import type { TimeUnit } from './ast.js';
import type { Condition, SegmentRule, Source, Target, Value, Window } from './ir.js';
import type { OperandValue, OperatorName } from './registry.js';

/**
 * What a rule reads, so that the live engine re-evaluates it only when one of those things
 * changes. Topics are plain strings, seen from the rule's profile:
 *
 * - `trait:NAME`, `seen` (first/last seen), `identity` (user_id), `event:NAME` (`event:*` for any),
 *   `tickets`, `surveys`, `segment:KEY`, `accounts` (a person joined or left an account),
 *   `account-trait:NAME` (a trait of one of a person's accounts), `people` (an account's people).
 * - Inside an account rule's people rollups, the person's topics prefixed `person:`.
 *
 * A change names the same topics; `topicMatches` decides whether a change concerns a rule.
 */
export interface RuleDependencies {
  topics: string[];
  segments: string[];
  /** What can cross a time boundary with no new data (see `TimeLeaf`). */
  timeLeaves: TimeLeaf[];
  /** Time-dependent in a way the leaves cannot bound (a date property of event rows): swept whole. */
  sweepWhole: boolean;
}

/** A signed duration: the rule may flip at `instant + offset`. */
export interface TimeOffset {
  sign: -1 | 0 | 1;
  amount: number;
  unit: TimeUnit;
}

/**
 * Instants whose passing can flip the rule: event, ticket or survey rows by their time, or a date
 * held in a trait or column. `level` is whose they are: a person's or an account's.
 */
export interface TimeLeaf {
  level: Target;
  source:
    | { kind: 'rows'; table: 'events' | 'tickets' | 'surveys'; event?: string }
    | { kind: 'trait'; name: string }
    | { kind: 'column'; column: string };
  offsets: TimeOffset[];
}

/** The topics, segment references and time leaves of a rule. */
export function ruleDependencies(rule: SegmentRule): RuleDependencies {
  const walker = new DependencyWalker();
  walker.condition(rule.condition, rule.target, '');
  return {
    topics: [...walker.topics].sort(),
    segments: [...walker.segments].sort(),
    timeLeaves: walker.leaves,
    sweepWhole: walker.sweepWhole,
  };
}

/** Does a change on `changed` concern a rule that depends on `dependency`? `*` ends a prefix. */
export function topicMatches(dependency: string, changed: string): boolean {
  if (dependency === changed) return true;
  if (changed.endsWith('*') && dependency.startsWith(changed.slice(0, -1))) return true;
  return dependency.endsWith('*') && changed.startsWith(dependency.slice(0, -1));
}

/** Topics the built-in columns change with. */
const columnTopics: Record<string, string | undefined> = {
  first_seen_at: 'seen',
  last_seen_at: 'seen',
  user_id: 'identity',
  // An account's group_id and created_at never change.
};

const zero: TimeOffset = { sign: 0, amount: 0, unit: 'minutes' };

/** When an instant `v` makes a relative-date operator flip, as offsets from `v`. */
const relativeOffsets: Partial<Record<OperatorName, (operands: readonly OperandValue[]) => TimeOffset[]>> = {
  'within-last': ([d]) => [zero, after(d)],
  'within-next': ([d]) => [before(d), zero],
  'more-than-ago': ([d]) => [after(d)],
  'between-ago': ([near, far]) => [after(near), after(far)],
};

function after(operand: OperandValue | undefined): TimeOffset {
  const { amount, unit } = operand as { amount: number; unit: TimeUnit };
  return { sign: 1, amount, unit };
}
function before(operand: OperandValue | undefined): TimeOffset {
  return { ...after(operand), sign: -1 };
}

function windowOffsets(window: Window): TimeOffset[] {
  const length = { amount: window.amount, unit: window.unit };
  return window.direction === 'last' ? [zero, { sign: 1, ...length }] : [{ sign: -1, ...length }, zero];
}

class DependencyWalker {
  topics = new Set<string>();
  segments = new Set<string>();
  leaves: TimeLeaf[] = [];
  sweepWhole = false;

  condition(node: Condition, level: Target, prefix: string): void {
    switch (node.kind) {
      case 'and':
      case 'or':
        for (const c of node.conditions) this.condition(c, level, prefix);
        return;
      case 'not':
        return this.condition(node.condition, level, prefix);
      case 'in-segment':
        this.segments.add(node.key);
        this.topics.add(`${prefix}segment:${node.key}`);
        return;
      case 'did':
        this.topics.add(`${prefix}event:${node.event}`);
        if (node.window)
          this.leaves.push({ level, source: { kind: 'rows', table: 'events', event: node.event }, offsets: windowOffsets(node.window) });
        if (node.where) this.rowCondition(node.where);
        return;
      case 'quantified':
        this.topics.add('people');
        return this.condition(node.where, 'person', 'person:');
      case 'predicate':
        return this.predicate(node, level, prefix);
    }
  }

  private predicate(node: Extract<Condition, { kind: 'predicate' }>, level: Target, prefix: string): void {
    const offsets = relativeOffsets[node.operator]?.(node.operands) ?? [];
    const subject: Value = node.subject;
    if (subject.kind === 'field') {
      const owner: Target = subject.scope === 'person-account' ? 'account' : level;
      if (subject.scope === 'person-account') {
        this.topics.add(`${prefix}accounts`);
        this.topics.add(`${prefix}account-trait:${subject.column ? '*' : subject.name}`);
      } else if (subject.column) {
        const topic = columnTopics[subject.column];
        if (topic) this.topics.add(`${prefix}${topic}`);
      } else this.topics.add(`${prefix}trait:${subject.name}`);
      if (offsets.length > 0) {
        const source = subject.column
          ? { kind: 'column' as const, column: subject.column }
          : { kind: 'trait' as const, name: subject.name };
        this.leaves.push({ level: owner, source, offsets });
      }
      return;
    }
    this.source(subject.source, level, prefix);
    if (offsets.length === 0) return;
    const rowTime = (subject.fn === 'first' || subject.fn === 'last') && !subject.source.field;
    if (rowTime && subject.source.from !== 'people') {
      // The value is a row's time: the rule flips when that time plus the offset passes.
      this.leaves.push({ level, source: rowsOf(subject.source), offsets });
    } else this.sweepWhole = true;
  }

  private source(source: Source, level: Target, prefix: string): void {
    if (source.from === 'people') {
      this.topics.add('people');
      if (source.where) this.condition(source.where, 'person', 'person:');
      return;
    }
    this.topics.add(source.from === 'events' ? `${prefix}event:${source.event ?? '*'}` : `${prefix}${source.from}`);
    if (source.window) this.leaves.push({ level, source: rowsOf(source), offsets: windowOffsets(source.window) });
    if (source.where) this.rowCondition(source.where);
  }

  /** A row filter compares the row's own fields; a relative date there moves with time in ways no index bounds. */
  private rowCondition(node: Condition): void {
    if (node.kind === 'and' || node.kind === 'or') for (const c of node.conditions) this.rowCondition(c);
    else if (node.kind === 'not') this.rowCondition(node.condition);
    else if (node.kind === 'predicate' && relativeOffsets[node.operator]) this.sweepWhole = true;
  }
}

function rowsOf(source: Source): TimeLeaf['source'] {
  const table = source.from as 'events' | 'tickets' | 'surveys';
  return source.event !== undefined ? { kind: 'rows', table, event: source.event } : { kind: 'rows', table };
}
