import {
  windowKind,
  type CalendarWindow,
  type Condition,
  type FieldScope,
  type RollingWindow,
  type SegmentRule,
  type Source,
  type TicketRule,
  type Value,
  type Window,
  type WindowKind,
} from './ir.js';
import { operators, type OperandValue, type OperatorName } from './registry.js';

/** Canonical text of a rule; parsing and checking it gives back the same IR. */
export function printRule(rule: SegmentRule | TicketRule): string {
  return printCondition(rule.condition, 0);
}

// Binding strength: or < and < not/atoms. A child no stronger than its parent is parenthesised,
// so nested groups keep their shape: `a and (b and c)` reads back as written.
const strength = { or: 1, and: 2 } as const;

/** Canonical text of one condition; `parent` is the binding strength around it (0 at the top). */
export function printCondition(condition: Condition, parent = 0): string {
  switch (condition.kind) {
    case 'and':
    case 'or': {
      const own = strength[condition.kind];
      const text = condition.conditions.map((c) => printCondition(c, own)).join(` ${condition.kind} `);
      return own <= parent ? `(${text})` : text;
    }
    case 'not':
      return `not ${printCondition(condition.condition, 3)}`;
    case 'in-segment':
      return `in segment ${quote(condition.key)}`;
    case 'did':
      return [
        'did',
        quote(condition.event),
        condition.where ? `where ${printCondition(condition.where, 3)}` : '',
        printWindow(condition.window),
      ]
        .filter(Boolean)
        .join(' ');
    case 'quantified':
      return `${condition.quantifier}(people where ${printCondition(condition.where, 0)})`;
    case 'predicate':
      return `${printValue(condition.subject)} ${printComparison(condition.operator, condition.operands)}`;
  }
}

/** What follows the subject of a predicate: `>= 5`, `between 7 and 30 days ago`. */
export function printComparison(operator: OperatorName, operands: readonly OperandValue[]): string {
  const spec = operators[operator];
  const parts: string[] = [...spec.words];
  if (spec.operands === 'two' || spec.operands === 'duration-range') {
    parts.push(printOperand(operands[0]!, spec.operands === 'duration-range'), 'and', printOperand(operands[1]!, false));
  } else {
    for (const operand of operands) parts.push(printOperand(operand, false));
  }
  parts.push(...(spec.suffix ?? []));
  return parts.join(' ');
}

/** Canonical text of a field or an aggregate. */
export function printValue(value: Value): string {
  if (value.kind === 'field') return `${fieldPrefixes[value.scope]}${value.name}`;
  return `${value.fn}(${printSource(value.source)})`;
}

/** What a field's scope writes before its name; keyed so that a new scope fails to compile until it prints. */
const fieldPrefixes: Record<FieldScope, string> = {
  person: '',
  account: '',
  'person-account': 'account.',
  event: '',
  'event-context': 'context.',
  ticket: '',
  survey: '',
  'ticket-person': 'person.',
  'ticket-account': 'account.',
};

function printSource(source: Source): string {
  let head: string = source.from;
  if (source.event !== undefined) head += ` ${quote(source.event)}`;
  if (source.field) head += `.${source.field.name}`;
  // A where clause inside a source is parenthesised when it is an and/or, so the window after it stays the source's.
  return [head, source.where ? `where ${printCondition(source.where, 3)}` : '', printWindow(source.window)].filter(Boolean).join(' ');
}

/** The text of each kind of window; keyed so that a new kind fails to compile until it prints. */
const windowTexts: Record<WindowKind, (window: Window) => string> = {
  rolling: (w) => {
    const window = w as RollingWindow;
    return `within ${window.direction} ${window.amount} ${window.unit}`;
  },
  calendar: (w) => `within ${printCalendar(w as CalendarWindow)}`,
};

function printWindow(window: Window | undefined): string {
  return window ? windowTexts[windowKind(window)](window) : '';
}

/** `this month`, `last 2 calendar weeks in customer timezone`: what follows `within`. */
function printCalendar(window: CalendarWindow): string {
  const unit = window.period === 'this' ? window.unit.slice(0, -1) : `${window.amount} calendar ${window.unit}`;
  return `${window.period} ${unit}${window.zone === 'customer' ? ' in customer timezone' : ''}`;
}

export function printOperand(operand: OperandValue, amountOnly: boolean): string {
  if (Array.isArray(operand)) return `[${operand.map((o) => printOperand(o, false)).join(', ')}]`;
  if (typeof operand === 'object' && 'kind' in operand) return printCalendar(operand);
  if (typeof operand === 'object') return amountOnly ? String(operand.amount) : `${operand.amount} ${operand.unit}`;
  if (typeof operand === 'string') return quote(operand);
  return String(operand);
}

/** Double-quoted, escaping only what the lexer reads back: backslash, quote, newline, tab. */
export function quote(text: string): string {
  return `"${text.replace(/[\\"\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\${c}`))}"`;
}
