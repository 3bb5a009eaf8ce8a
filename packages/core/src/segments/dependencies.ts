import type { CalendarUnit, TimeUnit } from './ast.js';
import { aggregates } from './aggregates.js';
import { computedField } from './computed-fields.js';
import {
  windowKind,
  type CalendarWindow,
  type CalendarZone,
  type Condition,
  type RollingWindow,
  type SegmentRule,
  type Source,
  type Target,
  type Value,
  type Window,
  type WindowKind,
} from './ir.js';
import type { OperandValue, OperatorName } from './registry.js';
import { sources, type RowSourceName } from './sources.js';

/**
 * What a rule reads, so that the live engine re-evaluates it only when one of those things
 * changes. Topics are plain strings, seen from the rule's profile:
 *
 * - `trait:NAME`, `seen` (first/last seen), `identity` (user_id), `event:NAME` (`event:*` for any),
 *   `tickets`, `surveys`, `segment:KEY`, `accounts` (a person joined or left an account),
 *   `account-trait:NAME` (a trait of one of a person's accounts), `account-TOPIC` (what changes a
 *   computed field of one of them: `account-health`), `people` (an account's people).
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
  /**
   * Calendar windows: the rule can change with no new data only when a boundary of one of these
   * units passes, in the workspace's timezone or (`customer`) in any profile's. Swept whole then.
   */
  calendar: CalendarDependency[];
}

/** A calendar unit whose boundaries, in the workspace's or in any customer's timezone, can flip the rule. */
export interface CalendarDependency {
  unit: CalendarUnit;
  zone: CalendarZone;
}

/** A signed duration: the rule may flip at `instant + offset`. */
export interface TimeOffset {
  sign: -1 | 0 | 1;
  amount: number;
  unit: TimeUnit;
}

/**
 * Instants whose passing can flip the rule: event, ticket or survey rows by their time, a date
 * held in a trait or column, or the changes a trait's kept history records (an account's `mrr`,
 * which `mrr_change_90d` reads). `level` is whose they are: a person's or an account's.
 */
export interface TimeLeaf {
  level: Target;
  source:
    | { kind: 'rows'; table: RowSourceName; event?: string }
    | { kind: 'trait'; name: string }
    | { kind: 'column'; column: string }
    | { kind: 'history'; trait: string };
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
    calendar: [...walker.calendar.values()],
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

/**
 * How each operator moves with time: not at all, at instants `v + offset` for a value `v` (relative
 * dates), or at calendar boundaries. A `Record`, so a new operator fails to compile until the sweep knows it.
 */
type TimeBehaviour =
  | { kind: 'none' }
  | { kind: 'offsets'; offsets(operands: readonly OperandValue[]): TimeOffset[] }
  | { kind: 'calendar'; window(operands: readonly OperandValue[]): CalendarWindow };

const none: TimeBehaviour = { kind: 'none' };
const operatorTime: Record<OperatorName, TimeBehaviour> = {
  eq: none,
  neq: none,
  lt: none,
  lte: none,
  gt: none,
  gte: none,
  between: none,
  in: none,
  'not-in': none,
  contains: none,
  'contains-ignoring-case': none,
  'starts-with': none,
  'starts-with-ignoring-case': none,
  'ends-with': none,
  'ends-with-ignoring-case': none,
  matches: none,
  'is-set': none,
  'is-not-set': none,
  before: none,
  after: none,
  'within-last': { kind: 'offsets', offsets: ([d]) => [zero, after(d)] },
  'within-next': { kind: 'offsets', offsets: ([d]) => [before(d), zero] },
  'more-than-ago': { kind: 'offsets', offsets: ([d]) => [after(d)] },
  'between-ago': { kind: 'offsets', offsets: ([near, far]) => [after(near), after(far)] },
  'within-calendar': { kind: 'calendar', window: ([w]) => w as CalendarWindow },
};

function after(operand: OperandValue | undefined): TimeOffset {
  const { amount, unit } = operand as { amount: number; unit: TimeUnit };
  return { sign: 1, amount, unit };
}
function before(operand: OperandValue | undefined): TimeOffset {
  return { ...after(operand), sign: -1 };
}

/** How each kind of window on rows moves with time; keyed so that a new kind fails to compile until the sweep knows it. */
const windowTime: Record<WindowKind, (window: Window) => { offsets: TimeOffset[] } | { calendar: CalendarWindow }> = {
  rolling: (w) => {
    const window = w as RollingWindow;
    const length = { amount: window.amount, unit: window.unit };
    return { offsets: window.direction === 'last' ? [zero, { sign: 1, ...length }] : [{ sign: -1, ...length }, zero] };
  },
  calendar: (w) => ({ calendar: w as CalendarWindow }),
};

class DependencyWalker {
  topics = new Set<string>();
  segments = new Set<string>();
  leaves: TimeLeaf[] = [];
  sweepWhole = false;
  calendar = new Map<string, CalendarDependency>();

  /** A calendar window read at `level`: in the customer's timezone, it also reads where that comes from. */
  private addCalendar(window: CalendarWindow, level: Target, prefix: string): void {
    this.calendar.set(`${window.unit}:${window.zone}`, { unit: window.unit, zone: window.zone });
    if (window.zone !== 'customer') return;
    this.topics.add(`${prefix}trait:timezone`);
    if (level === 'person') {
      this.topics.add(`${prefix}accounts`);
      this.topics.add(`${prefix}account-trait:timezone`);
    }
  }

  /** A window on rows: time leaves of the rows, or a calendar dependency. */
  private window(window: Window, level: Target, prefix: string, rows: TimeLeaf['source']): void {
    const time = windowTime[windowKind(window)](window);
    if ('calendar' in time) this.addCalendar(time.calendar, level, prefix);
    else this.leaves.push({ level, source: rows, offsets: time.offsets });
  }

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
        this.topics.add(`${prefix}${sources.events.topic({ from: 'events', event: node.event })}`);
        if (node.window) this.window(node.window, level, prefix, { kind: 'rows', table: 'events', event: node.event });
        if (node.where) this.rowCondition(node.where, level, prefix);
        return;
      case 'quantified':
        this.topics.add(sources.people.topic);
        return this.condition(node.where, 'person', 'person:');
      case 'predicate':
        return this.predicate(node, level, prefix);
    }
  }

  private predicate(node: Extract<Condition, { kind: 'predicate' }>, level: Target, prefix: string): void {
    const time = operatorTime[node.operator];
    const offsets = time.kind === 'offsets' ? time.offsets(node.operands) : [];
    if (time.kind === 'calendar') this.addCalendar(time.window(node.operands), level, prefix);
    const subject: Value = node.subject;
    if (subject.kind === 'field') {
      const owner: Target = subject.scope === 'person-account' ? 'account' : level;
      if (subject.computed && subject.scope === 'person-account') {
        // An account's computed field from a person: it changes with the person's accounts and with
        // what changes it on each of them, which reaches the person as `account-TOPIC`.
        const spec = computedField('account', subject.name);
        this.topics.add(`${prefix}accounts`);
        for (const topic of spec?.topics ?? []) this.topics.add(`${prefix}account-${topic}`);
        for (const leaf of spec?.timeLeaves ?? []) this.leaves.push({ level: 'account', ...leaf });
        if (offsets.length > 0) this.sweepWhole = true;
        return;
      }
      if (subject.computed) {
        // Its registration says what it changes with; unregistered, it is missing whatever changes.
        const spec = computedField(level, subject.name);
        for (const topic of spec?.topics ?? []) {
          this.topics.add(`${prefix}${topic}`);
          // Memberships it reads are references: the segments are decided first, and never read themselves.
          if (prefix === '' && topic.startsWith('segment:')) this.segments.add(topic.slice('segment:'.length));
        }
        for (const leaf of spec?.timeLeaves ?? []) this.leaves.push({ level, ...leaf });
        if (offsets.length > 0) this.sweepWhole = true;
        return;
      }
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
    const spec = sources[subject.source.from];
    const rowTime = aggregates[subject.fn].rowTime === true && !subject.source.field;
    if (rowTime && spec.rows === 'records') {
      // The value is a row's time: the rule flips when that time plus the offset passes.
      this.leaves.push({ level, source: rowsOf(subject.source), offsets });
    } else this.sweepWhole = true;
  }

  private source(source: Source, level: Target, prefix: string): void {
    const spec = sources[source.from];
    if (spec.rows === 'people') {
      this.topics.add(spec.topic);
      if (source.where) this.condition(source.where, 'person', 'person:');
      return;
    }
    this.topics.add(`${prefix}${spec.topic(source)}`);
    if (source.window) this.window(source.window, level, prefix, rowsOf(source));
    if (source.where) this.rowCondition(source.where, level, prefix);
  }

  /** A row filter compares the row's own fields; a relative date there moves with time in ways no index bounds. */
  private rowCondition(node: Condition, level: Target, prefix: string): void {
    if (node.kind === 'and' || node.kind === 'or') for (const c of node.conditions) this.rowCondition(c, level, prefix);
    else if (node.kind === 'not') this.rowCondition(node.condition, level, prefix);
    else if (node.kind === 'predicate') {
      const time = operatorTime[node.operator];
      // A calendar window moves only at its boundaries, whatever the rows hold.
      if (time.kind === 'calendar') this.addCalendar(time.window(node.operands), level, prefix);
      else if (time.kind === 'offsets') this.sweepWhole = true;
    }
  }
}

function rowsOf(source: Source): TimeLeaf['source'] {
  const table = source.from as RowSourceName;
  return source.event !== undefined ? { kind: 'rows', table, event: source.event } : { kind: 'rows', table };
}
