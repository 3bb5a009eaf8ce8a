import type { FieldType } from '../ingestion/field-type.js';
import { ownValue } from '../own-keys.js';
import type { ConditionNode, Literal, Operand, SourceNode, ValueNode, WindowNode } from './ast.js';
import { closest, diagnostic, type Diagnostic, type Span } from './diagnostics.js';
import { aggregates } from './aggregates.js';
import { computedFields } from './computed-fields.js';
import { builtinColumns, type FieldSchema } from './field-schema.js';
import {
  aggregateNames,
  irVersion,
  type AggregateName,
  type Condition,
  type FieldRef,
  type RuleTarget,
  type SegmentRule,
  type Source,
  type Target,
  type TicketRule,
  type Value,
  type Window,
} from './ir.js';
import { checkPattern } from './pattern.js';
import { isoTime, operators, type OperandValue, type OperatorName } from './registry.js';
import { sources, type RecordSourceSpec, type SourceSpec } from './sources.js';
import { ticketRuleNeedsSegment, ticketTargetFields } from './ticket-target.js';

/**
 * Where a condition is being read: a profile (person or account), the rows of a source (`event`
 * names the events), or one ticket (a ticket rule).
 */
type Scope =
  { kind: 'profile'; target: Target } | { kind: 'rows'; source: RecordSourceSpec; event: string | undefined } | { kind: 'ticket' };

export interface CheckOptions {
  target: Target;
  schema: FieldSchema;
  /** The key of the segment being defined, to catch references back to itself. */
  segmentKey?: string;
}

export type CheckResult = { ok: true; rule: SegmentRule } | { ok: false; diagnostics: Diagnostic[] };
export type TicketCheckResult = { ok: true; rule: TicketRule } | { ok: false; diagnostics: Diagnostic[] };

/** Resolves names and types against the workspace's fields; every mistake is reported, none thrown. */
export function checkRule(ast: ConditionNode, options: CheckOptions): CheckResult {
  const checker = new Checker(options);
  const condition = checker.condition(ast, { kind: 'profile', target: options.target });
  if (checker.diagnostics.length > 0 || !condition) return { ok: false, diagnostics: checker.diagnostics };
  return { ok: true, rule: { version: irVersion, target: options.target, condition } };
}

/** Checks a rule about one ticket (a support policy's `when`) as `checkRule` checks a segment's. */
export function checkTicketRule(ast: ConditionNode, options: { schema: FieldSchema }): TicketCheckResult {
  const checker = new Checker({ target: 'ticket', schema: options.schema });
  const condition = checker.condition(ast, { kind: 'ticket' });
  if (checker.diagnostics.length > 0 || !condition) return { ok: false, diagnostics: checker.diagnostics };
  return { ok: true, rule: { version: irVersion, target: 'ticket', condition } };
}

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  /** Event properties nobody has sent yet, typed by a guess: a type complaint about them is really "unknown field". */
  private readonly guessed = new WeakSet<FieldRef>();

  constructor(private readonly options: { target: RuleTarget; schema: FieldSchema; segmentKey?: string }) {}

  condition(node: ConditionNode, scope: Scope): Condition | undefined {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const conditions = node.items.map((item) => this.condition(item, scope));
        return conditions.every((c): c is Condition => c !== undefined) ? { kind: node.kind, conditions } : undefined;
      }
      case 'not': {
        const condition = this.condition(node.item, scope);
        return condition && { kind: 'not', condition };
      }
      case 'error':
        return undefined;
      case 'in-segment':
        return this.segmentReference(node.key, scope);
      case 'did': {
        if (scope.kind === 'ticket') return this.fail('wrong-target', `"did" ${ticketRuleNeedsSegment}`, node.span);
        if (scope.kind !== 'profile')
          return this.fail(
            'wrong-target',
            '"did" applies to a person or an account, not inside a where clause of tickets or events',
            node.span,
          );
        const where = node.where
          ? this.condition(node.where, { kind: 'rows', source: sources.events, event: node.event.value })
          : undefined;
        const window = node.window ? this.window(node.window) : undefined;
        if (node.where && !where) return undefined;
        return { kind: 'did', event: node.event.value, ...(where ? { where } : {}), ...(window ? { window } : {}) };
      }
      case 'quantified': {
        if (scope.kind === 'ticket') return this.fail('wrong-target', `${node.quantifier}(...) ${ticketRuleNeedsSegment}`, node.span);
        if (scope.kind !== 'profile' || scope.target !== 'account' || sources[node.source.name].rows !== 'people') {
          return this.fail('wrong-target', `${node.quantifier}(people where ...) applies to accounts, over their people`, node.span);
        }
        if (!node.source.where)
          return this.fail('syntax-error', `${node.quantifier}(people where ...) needs a condition after "where"`, node.source.span);
        const where = this.condition(node.source.where, { kind: 'profile', target: 'person' });
        return where && { kind: 'quantified', quantifier: node.quantifier, where };
      }
      case 'predicate':
        return this.predicate(node, scope);
    }
  }

  private segmentReference(key: { value: string; span: Span }, scope: Scope): Condition | undefined {
    const segments = this.options.schema.segments;
    const segment = ownValue(segments, key.value);
    if (!segment) {
      const suggestion = closest(key.value, Object.keys(segments));
      return this.fail(
        'unknown-segment',
        `unknown segment "${key.value}"${suggestion ? ` - did you mean "${suggestion}"?` : ''}`,
        key.span,
      );
    }
    // A ticket reads the membership of its requester or of its account, whichever the segment is of.
    if (scope.kind === 'ticket') return { kind: 'in-segment', key: key.value };
    const target = scope.kind === 'profile' ? scope.target : undefined;
    if (segment.target !== target) {
      return this.fail(
        'wrong-target',
        `segment "${key.value}" is a segment of ${segment.target === 'person' ? 'people' : 'accounts'}; this rule is about ${target === 'account' ? 'accounts' : 'people'}`,
        key.span,
      );
    }
    if (this.options.segmentKey && reaches(key.value, this.options.segmentKey, segments)) {
      return this.fail(
        'segment-cycle',
        `segment "${key.value}" refers back to "${this.options.segmentKey}", which would make the two depend on each other`,
        key.span,
      );
    }
    return { kind: 'in-segment', key: key.value };
  }

  private predicate(node: Extract<ConditionNode, { kind: 'predicate' }>, scope: Scope): Condition | undefined {
    const spec = operators[node.operator as OperatorName];
    const subject = this.value(node.subject, scope, node.operands);
    if (!subject) return undefined;
    if (!spec.subjects.includes(subject.type)) {
      const unseen = this.unseenField(subject);
      if (unseen) return this.unseen(unseen, node.subject.span);
      const described =
        node.subject.kind === 'field'
          ? `"${node.subject.path.join('.')}" is a ${subject.type}`
          : `this ${node.subject.fn}(...) is a ${subject.type}`;
      return this.fail(
        'type-mismatch',
        `${described}; "${spec.words.join(' ')}${spec.suffix ? ` … ${spec.suffix.join(' ')}` : ''}" applies to ${spec.subjects.join(', ')}`,
        node.operatorSpan,
      );
    }
    const operands: OperandValue[] = [];
    for (const operand of node.operands) {
      const value = this.operand(operand, subject.type, node.operator as OperatorName);
      if (value === undefined) return undefined;
      operands.push(value);
    }
    return { kind: 'predicate', subject, operator: spec.name, operands };
  }

  private operand(operand: Operand, type: FieldType, operator: OperatorName): OperandValue | undefined {
    if (operand.kind === 'duration') return { amount: operand.amount, unit: operand.unit };
    if (operand.kind === 'calendar') return operand.window;
    if (operand.kind === 'list') {
      const items: Array<string | number | boolean> = [];
      for (const item of operand.items) {
        const value = this.literal(item, type);
        if (value === undefined) return undefined;
        items.push(value);
      }
      if (items.length === 0) return this.fail('invalid-value', 'the list is empty: add at least one value', operand.span);
      return items;
    }
    const value = this.literal(operand, type);
    if (operator === 'matches' && typeof value === 'string') {
      const checked = checkPattern(value);
      if (!checked.ok) {
        const part = value.slice(checked.start, checked.end);
        const where = part && part !== value ? ` (at "${part}", character ${checked.start + 1} of the pattern)` : '';
        return this.fail(checked.code, `${checked.message}${where}`, patternSpan(operand.span, value, checked));
      }
    }
    return value;
  }

  private literal(literal: Literal, type: FieldType): string | number | boolean | undefined {
    const expected: Record<FieldType, Literal['kind']> = {
      string: 'string',
      number: 'number',
      boolean: 'boolean',
      datetime: 'string',
      array: 'string',
      object: 'string',
    };
    if (literal.kind !== expected[type]) {
      return this.fail(
        'type-mismatch',
        `expected a ${type === 'datetime' ? 'date in quotes, such as "2026-01-31"' : type}, found ${literal.kind === 'string' ? `"${literal.value}"` : String(literal.value)}`,
        literal.span,
      );
    }
    if (typeof literal.value === 'number' && !Number.isSafeInteger(Math.trunc(literal.value))) {
      return this.fail(
        'out-of-range',
        `${literal.value} is out of range: numbers in rules go up to ${Number.MAX_SAFE_INTEGER} either way`,
        literal.span,
      );
    }
    if (type === 'datetime' && isoTime(literal.value as string) === undefined) {
      return this.fail(
        'invalid-value',
        `"${String(literal.value)}" is not an ISO-8601 date such as "2026-01-31" or "2026-01-31T09:00:00Z"`,
        literal.span,
      );
    }
    return literal.value;
  }

  private window(node: WindowNode): Window | undefined {
    if (node.kind === 'all') return undefined;
    if (node.kind === 'calendar') return node.window;
    return { direction: node.direction, amount: node.amount, unit: node.unit };
  }

  private value(node: ValueNode, scope: Scope, operands: Operand[]): Value | undefined {
    if (node.kind === 'field') return this.field(node.path, node.span, scope, operands);
    const fn = node.fn as AggregateName;
    if (!(aggregateNames as readonly string[]).includes(fn)) return undefined; // reported by the parser
    if (scope.kind === 'ticket') return this.fail('wrong-target', `${fn}(...) ${ticketRuleNeedsSegment}`, node.span);
    if (scope.kind !== 'profile')
      return this.fail('wrong-target', `${fn}(...) applies to a person or an account, not inside a where clause`, node.span);
    const source = this.source(node.source, scope.target);
    if (!source) return undefined;
    const type = this.aggregateType(fn, source, node);
    return type && { kind: 'aggregate', fn, source, type };
  }

  private aggregateType(fn: AggregateName, source: Source, node: Extract<ValueNode, { kind: 'call' }>): FieldType | undefined {
    const typing = aggregates[fn].type(source, sources[source.from]);
    if (typing.ok) return typing.type;
    if (typing.reason === 'field-type' && source.field && this.guessed.has(source.field)) return this.unseen(source.field, node.span);
    return this.fail(typing.code, typing.message, typing.at === 'function' ? node.fnSpan : node.span);
  }

  private source(node: SourceNode, target: Target): Source | undefined {
    const spec: SourceSpec = sources[node.name];
    if (!spec.targets.includes(target))
      return this.fail('wrong-target', spec.wrongTarget ?? `${node.name}(...) does not apply to this target`, node.nameSpan);
    if (node.event && !spec.takesEventName) return this.fail('syntax-error', `only events take a name in quotes`, node.event.span);
    const rowScope: Scope =
      spec.rows === 'records' ? { kind: 'rows', source: spec, event: node.event?.value } : { kind: 'profile', target: 'person' };
    let field: FieldRef | undefined;
    if (node.field) {
      if (spec.rows === 'people') return this.fail('syntax-error', spec.noField, node.field.span);
      field = this.field([node.field.name], node.field.span, rowScope, []);
      if (!field) return undefined;
    }
    const where = node.where ? this.condition(node.where, rowScope) : undefined;
    if (node.where && !where) return undefined;
    if (node.window && spec.rows === 'people') return this.fail('syntax-error', spec.noWindow, node.window.span);
    const window = node.window ? this.window(node.window) : undefined;
    return {
      from: node.name,
      ...(node.event ? { event: node.event.value } : {}),
      ...(field ? { field } : {}),
      ...(where ? { where } : {}),
      ...(window ? { window } : {}),
    };
  }

  private field(path: string[], span: Span, scope: Scope, operands: Operand[]): FieldRef | undefined {
    const name = path.join('.');
    const schema = this.options.schema;
    if (scope.kind === 'ticket') return this.ticketField(path, span);
    if (scope.kind === 'profile') {
      if (path.length === 2 && path[0] === 'account' && scope.target === 'person') {
        // An account's computed fields (health_score, churn_risk) read from a person as its traits do.
        const computed = ownValue(builtinColumns.account, path[1]!) ? undefined : computedFields('account').find((f) => f.name === path[1]);
        if (computed) return { kind: 'field', scope: 'person-account', name: computed.name, type: computed.type, computed: true };
        return this.lookup(path[1]!, schema.account, 'person-account', span, 'account.', builtinColumns.account);
      }
      if (path.length !== 1) return this.unknown(name, span, Object.keys(schema[scope.target]));
      return this.profileField(path[0]!, scope.target, span, '');
    }
    // `context.campaign.source`: a path into the event's context, which no registry types; typed by the values compared against.
    if (path.length >= 2 && path[0] === 'context' && scope.source.fieldScope === 'event')
      return { kind: 'field', scope: 'event-context', name: path.slice(1).join('.'), type: typeOfOperands(operands) };
    if (path.length !== 1) return this.unknown(name, span, []);
    const rowFields = scope.source.fields?.(schema);
    if (rowFields) return this.lookup(name, rowFields, scope.source.fieldScope, span, '', {});
    const known = scope.event ? ownValue(schema.events, scope.event) : undefined;
    const knownType = known && ownValue(known, name);
    if (knownType) return { kind: 'field', scope: 'event', name, type: knownType };
    if (known && Object.keys(known).length > 0) return this.unknown(name, span, Object.keys(known));
    // Any event: the property's type as first seen on any event that has it.
    const anywhere = scope.event
      ? undefined
      : Object.values(schema.events)
          .map((properties) => ownValue(properties, name))
          .find(Boolean);
    if (anywhere) return { kind: 'field', scope: 'event', name, type: anywhere };
    // An event not seen yet: its properties are typed by the values compared against.
    const guess: FieldRef = { kind: 'field', scope: 'event', name, type: typeOfOperands(operands) };
    this.guessed.add(guess);
    return guess;
  }

  /** A field of a person or an account: Strata's own columns first, then computed fields, then traits (which cannot shadow either). */
  private profileField(name: string, target: Target, span: Span, prefix: string, scope: FieldRef['scope'] = target): FieldRef | undefined {
    const computed = ownValue(builtinColumns[target], name) ? undefined : computedFields(target).find((f) => f.name === name);
    if (computed) return { kind: 'field', scope, name: computed.name, type: computed.type, computed: true };
    return this.lookup(name, this.options.schema[target], scope, span, prefix, builtinColumns[target]);
  }

  /** In a ticket rule: `priority` is the ticket's, `person.plan` its requester's, `account.plan` its account's. */
  private ticketField(path: string[], span: Span): FieldRef | undefined {
    const [first, second] = path;
    if (path.length === 2 && (first === 'person' || first === 'account'))
      return this.profileField(second!, first, span, `${first}.`, first === 'person' ? 'ticket-person' : 'ticket-account');
    const fields = ticketTargetFields(this.options.schema);
    const field = path.length === 1 ? ownValue(fields, first!) : undefined;
    if (field) return { kind: 'field', scope: 'ticket', name: first!, type: field.type, column: field.column };
    // A profile's field named without its owner: say whose it could be.
    const owners = (['person', 'account'] as const).filter((target) => path.length === 1 && ownValue(this.options.schema[target], first!));
    if (owners.length > 0)
      return this.fail(
        'unknown-field',
        `a ticket has no field "${first}" - did you mean ${owners.map((o) => `"${o}.${first}"`).join(' or ')}?`,
        span,
      );
    const candidates = [
      ...Object.keys(fields),
      ...(['person', 'account'] as const).flatMap((t) => Object.keys(this.options.schema[t]).map((f) => `${t}.${f}`)),
    ];
    return this.unknown(path.join('.'), span, candidates);
  }

  /** The event property behind a value when nobody has sent it, so its type is only a guess. */
  private unseenField(value: Value): FieldRef | undefined {
    const field = value.kind === 'field' ? value : value.source.field;
    return field && this.guessed.has(field) ? field : undefined;
  }

  private unseen(field: FieldRef, span: Span): undefined {
    return this.fail(
      'unknown-field',
      `unknown field "${field.name}": no event has sent it yet, so its type is not known; send one event with it first`,
      span,
    );
  }

  private lookup(
    name: string,
    fields: Record<string, FieldType>,
    scope: FieldRef['scope'],
    span: Span,
    prefix: string,
    columns: Record<string, { column: string; type: FieldType }>,
  ): FieldRef | undefined {
    const builtin = ownValue(columns, name);
    if (builtin) return { kind: 'field', scope, name, type: builtin.type, column: builtin.column };
    const type = ownValue(fields, name);
    if (type) return { kind: 'field', scope, name, type };
    return this.unknown(
      `${prefix}${name}`,
      span,
      [...Object.keys(columns), ...Object.keys(fields)].map((f) => `${prefix}${f}`),
    );
  }

  private unknown(name: string, span: Span, candidates: string[]): undefined {
    const suggestion = closest(name, candidates);
    return this.fail('unknown-field', `unknown field "${name}"${suggestion ? ` - did you mean "${suggestion}"?` : ''}`, span);
  }

  private fail(code: Diagnostic['code'], message: string, span: Span): undefined {
    this.diagnostics.push(diagnostic(code, message, span));
    return undefined;
  }
}

/**
 * The offending part of a pattern in the rule text when the string has no escapes (then each
 * character of the value is one of the text, after the opening quote); else the whole string.
 */
function patternSpan(literal: Span, value: string, part: { start: number; end: number }): Span {
  if (literal.end - literal.start - 2 !== value.length) return literal;
  return { start: literal.start + 1 + part.start, end: literal.start + 1 + part.end };
}

/** Does segment `from` reach `to` through references (or is it `to`)? */
function reaches(from: string, to: string, segments: FieldSchema['segments']): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (key === to) return true;
    if (seen.has(key)) continue;
    seen.add(key);
    stack.push(...(ownValue(segments, key)?.references ?? []));
  }
  return false;
}

/** The type of a field nothing declares, from the first literal it is compared against; string when none. */
function typeOfOperands(operands: Operand[]): FieldType {
  const literal =
    operands.find((o): o is Literal => o.kind !== 'duration' && o.kind !== 'list') ??
    (operands[0]?.kind === 'list' ? operands[0].items[0] : undefined);
  return literal?.kind === 'number' ? 'number' : literal?.kind === 'boolean' ? 'boolean' : 'string';
}
