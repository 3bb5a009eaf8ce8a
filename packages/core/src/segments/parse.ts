import type { CalendarUnit, ConditionNode, Literal, Operand, SourceName, SourceNode, TimeUnit, ValueNode, WindowNode } from './ast.js';
import { sourceNames, timeUnits } from './ast.js';
import { diagnostic, type Diagnostic, type Span } from './diagnostics.js';
import type { CalendarWindow } from './ir.js';
import { tokenize, type Token } from './lexer.js';
import { aggregateFunctions, maxCalendarAmount, maxDuration, operatorSpecs, type OperatorSpec } from './registry.js';

/** The result of parsing: a tree (with `error` nodes where text could not be read) and every mistake found. */
export interface ParseResult {
  ast: ConditionNode;
  diagnostics: Diagnostic[];
}

const maxDepth = 100;
const unitAliases: Record<string, TimeUnit> = {
  minute: 'minutes',
  minutes: 'minutes',
  hour: 'hours',
  hours: 'hours',
  day: 'days',
  days: 'days',
  week: 'weeks',
  weeks: 'weeks',
  month: 'months',
  months: 'months',
};
const calendarUnitAliases: Record<string, CalendarUnit> = {
  week: 'weeks',
  weeks: 'weeks',
  month: 'months',
  months: 'months',
  quarter: 'quarters',
  quarters: 'quarters',
  year: 'years',
  years: 'years',
};
// Longest phrases first, so `is not set` wins over `is set` and `not in` over a bare `not`.
const operatorsByLength = [...operatorSpecs].sort(
  (a, b) => b.words.length - a.words.length || (b.suffix?.length ?? 0) - (a.suffix?.length ?? 0),
);

/**
 * Parses rule text. Never throws: mistakes become diagnostics with spans, and the parser
 * recovers at the next `and`, `or` or `)` to report more than one per run.
 */
export function parseRule(text: string): ParseResult {
  const { tokens, diagnostics } = tokenize(text);
  const parser = new Parser(tokens, diagnostics);
  const ast = parser.rule();
  return { ast, diagnostics };
}

class Parser {
  private position = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly diagnostics: Diagnostic[],
  ) {}

  rule(): ConditionNode {
    if (this.peek().kind === 'end') {
      this.fail('the rule is empty: write a condition such as plan = "pro"', this.peek().span);
      return { kind: 'error', span: this.peek().span };
    }
    const node = this.or();
    while (this.peek().kind !== 'end') {
      const token = this.next();
      this.fail(`unexpected ${describe(token)}: join conditions with "and" or "or"`, token.span);
      this.skipToBoundary();
    }
    return node;
  }

  private or(): ConditionNode {
    const first = this.and();
    const items = [first];
    while (this.isWord('or')) {
      this.next();
      items.push(this.and());
    }
    return items.length === 1 ? first : { kind: 'or', items, span: join(first.span, items.at(-1)!.span) };
  }

  private and(): ConditionNode {
    const first = this.unary();
    const items = [first];
    while (this.isWord('and')) {
      this.next();
      items.push(this.unary());
    }
    return items.length === 1 ? first : { kind: 'and', items, span: join(first.span, items.at(-1)!.span) };
  }

  private unary(): ConditionNode {
    if (this.isWord('not')) {
      const start = this.next().span;
      const item = this.unary();
      return { kind: 'not', item, span: join(start, item.span) };
    }
    return this.primary();
  }

  private primary(): ConditionNode {
    if (this.depth >= maxDepth) {
      const span = this.peek().span;
      this.fail(`the rule nests deeper than ${maxDepth} levels`, span);
      this.position = this.tokens.length - 1;
      return { kind: 'error', span };
    }
    this.depth++;
    try {
      return this.primaryInner();
    } finally {
      this.depth--;
    }
  }

  private primaryInner(): ConditionNode {
    const token = this.peek();
    if (this.isSymbol('(')) {
      this.next();
      const inner = this.or();
      const close = this.expectSymbol(')', 'a closing ")"');
      return close ? { ...inner, span: join(token.span, close.span) } : inner;
    }
    if (this.isWord('in') && this.isWordAt(1, 'segment')) {
      this.next();
      this.next();
      const key = this.expectString('a segment key in quotes, such as "trial"');
      if (!key) return this.recover(token.span);
      return { kind: 'in-segment', key, span: join(token.span, key.span) };
    }
    if (this.isWord('did')) {
      this.next();
      const event = this.expectString('an event name in quotes, such as "login"');
      if (!event) return this.recover(token.span);
      // Outside parentheses a `where` takes one condition: `did "x" where a = 1 and b = 2` means (did … where a = 1) and b = 2.
      const where = this.isWord('where') ? (this.next(), this.unary()) : undefined;
      const window = this.window();
      if (window === null) return this.recover(token.span);
      return {
        kind: 'did',
        event,
        ...(where ? { where } : {}),
        ...(window ? { window } : {}),
        span: join(token.span, (window ?? where ?? event).span),
      };
    }
    if (token.kind === 'word' && (token.text === 'any' || token.text === 'all' || token.text === 'none') && this.isSymbolAt(1, '(')) {
      this.next();
      this.next();
      const source = this.source();
      if (!source) {
        this.skipPastClose();
        return { kind: 'error', span: token.span };
      }
      const close = this.expectSymbol(')', 'a closing ")"');
      return {
        kind: 'quantified',
        quantifier: token.text,
        quantifierSpan: token.span,
        source,
        span: join(token.span, close?.span ?? source.span),
      };
    }
    const subject = this.value();
    if (!subject) return this.recover(token.span);
    return this.predicate(subject);
  }

  private value(): ValueNode | undefined {
    const token = this.peek();
    if (token.kind !== 'word') {
      this.fail(`expected a field or a function such as count(...), but found ${describe(token)}`, token.span);
      return undefined;
    }
    if (this.isSymbolAt(1, '(')) {
      this.next();
      this.next();
      if (!aggregateFunctions.includes(token.text)) {
        this.fail(`unknown function "${token.text}"; use one of ${aggregateFunctions.join(', ')}`, token.span, 'unknown-function');
      }
      const source = this.source();
      if (!source) {
        this.skipPastClose();
        return undefined;
      }
      const close = this.expectSymbol(')', 'a closing ")"');
      return { kind: 'call', fn: token.text, fnSpan: token.span, source, span: join(token.span, close?.span ?? source.span) };
    }
    this.next();
    const path = [token.text];
    let span = token.span;
    while (this.isSymbol('.') && this.peekAt(1).kind === 'word') {
      this.next();
      const part = this.next() as Extract<Token, { kind: 'word' }>;
      path.push(part.text);
      span = join(span, part.span);
    }
    return { kind: 'field', path, span };
  }

  private source(): SourceNode | undefined {
    const token = this.peek();
    if (token.kind !== 'word' || !(sourceNames as readonly string[]).includes(token.text)) {
      this.fail(`expected what to aggregate: ${sourceNames.join(', ')}`, token.span);
      return undefined;
    }
    this.next();
    const node: SourceNode = { kind: 'source', name: token.text as SourceName, nameSpan: token.span, span: token.span };
    if (this.peek().kind === 'string') {
      const event = this.next() as Extract<Token, { kind: 'string' }>;
      node.event = { value: event.value, span: event.span };
      node.span = join(node.span, event.span);
    }
    if (this.isSymbol('.')) {
      this.next();
      const field = this.peek();
      if (field.kind !== 'word') {
        this.fail(`expected a field name after "."`, field.span);
        return undefined;
      }
      this.next();
      node.field = { name: field.text, span: field.span };
      node.span = join(node.span, field.span);
    }
    if (this.isWord('where')) {
      this.next();
      node.where = this.or();
      node.span = join(node.span, node.where.span);
    }
    const window = this.window();
    if (window === null) return undefined;
    if (window) {
      node.window = window;
      node.span = join(node.span, window.span);
    }
    return node;
  }

  /** `within last|next N unit`, a calendar window, or `all time`; undefined when absent, null when malformed (already reported). */
  private window(): WindowNode | undefined | null {
    const start = this.peek();
    if (this.isWord('all') && this.isWordAt(1, 'time')) {
      this.next();
      const end = this.next();
      return { kind: 'all', span: join(start.span, end.span) };
    }
    if (this.isWord('within') && this.isCalendarAt(1)) {
      this.next();
      const calendar = this.calendar();
      return calendar ? { kind: 'calendar', window: calendar.window, span: join(start.span, calendar.span) } : null;
    }
    if (!this.isWord('within') || !(this.isWordAt(1, 'last') || this.isWordAt(1, 'next'))) return undefined;
    this.next();
    const direction = (this.next() as Extract<Token, { kind: 'word' }>).text as 'last' | 'next';
    const duration = this.duration();
    if (!duration) return null;
    return { kind: 'rolling', direction, amount: duration.amount, unit: duration.unit, span: join(start.span, duration.span) };
  }

  /** Whether a calendar window starts `offset` tokens ahead: `this UNIT`, or `last|next N calendar`. */
  private isCalendarAt(offset: number): boolean {
    return (
      this.isWordAt(offset, 'this') ||
      ((this.isWordAt(offset, 'last') || this.isWordAt(offset, 'next')) && this.isWordAt(offset + 2, 'calendar'))
    );
  }

  /** After `within`: `this UNIT` or `last|next N calendar UNIT`, then `in customer timezone` optionally. */
  private calendar(): { window: CalendarWindow; span: Span } | undefined {
    const start = this.next() as Extract<Token, { kind: 'word' }>;
    const period = start.text as CalendarWindow['period'];
    let amount = 1;
    if (period !== 'this') {
      const count = this.peek();
      if (count.kind !== 'number' || !Number.isInteger(count.value) || count.value <= 0) {
        this.fail(
          `expected a whole number of calendar weeks, months, quarters or years, such as ${period} 2 calendar months`,
          count.span,
          count.kind === 'number' ? 'invalid-value' : 'syntax-error',
        );
        return undefined;
      }
      amount = count.value;
      this.next();
      this.next(); // `calendar`, seen by isCalendarAt
    }
    const unitToken = this.peek();
    const unit = unitToken.kind === 'word' ? calendarUnitAliases[unitToken.text] : undefined;
    if (!unit) {
      this.fail(`expected a calendar unit (week, month, quarter, year), found ${describe(unitToken)}`, unitToken.span);
      return undefined;
    }
    this.next();
    if (amount > maxCalendarAmount[unit]) {
      this.fail(
        `${amount} calendar ${unit} is out of range: windows reach at most 1000 years (${maxCalendarAmount[unit]} ${unit})`,
        join(start.span, unitToken.span),
        'out-of-range',
      );
      return undefined;
    }
    let end = unitToken.span;
    let zone: CalendarWindow['zone'] = 'workspace';
    if (this.isWord('in') && this.isWordAt(1, 'customer')) {
      this.next();
      this.next();
      const timezone = this.expectWord('timezone');
      if (!timezone) return undefined;
      zone = 'customer';
      end = timezone.span;
    }
    return { window: { kind: 'calendar', period, amount, unit, zone }, span: join(start.span, end) };
  }

  private duration(): Extract<Operand, { kind: 'duration' }> | undefined {
    const amount = this.peek();
    if (amount.kind !== 'number' || !Number.isInteger(amount.value) || amount.value <= 0) {
      this.fail(
        `expected a whole number of minutes, hours, days, weeks or months, such as 30 days`,
        amount.span,
        amount.kind === 'number' ? 'invalid-value' : 'syntax-error',
      );
      return undefined;
    }
    this.next();
    const unit = this.peek();
    const resolved = unit.kind === 'word' ? unitAliases[unit.text] : undefined;
    if (!resolved) {
      this.fail(`expected a time unit (${timeUnits.join(', ')}) after ${amount.value}`, unit.span);
      return undefined;
    }
    this.next();
    if (amount.value > maxDuration[resolved]) {
      this.fail(durationTooLong(amount.value, resolved), join(amount.span, unit.span), 'out-of-range');
      return undefined;
    }
    return { kind: 'duration', amount: amount.value, unit: resolved, span: join(amount.span, unit.span) };
  }

  private predicate(subject: ValueNode): ConditionNode {
    const spec = this.matchOperator();
    if (!spec) {
      const token = this.peek();
      this.fail(
        `expected a comparison after the ${subject.kind === 'field' ? `field "${subject.path.join('.')}"` : 'value'}, such as = "pro", >= 5 or within last 7 days; found ${describe(token)}`,
        token.span,
      );
      return this.recover(subject.span);
    }
    const operatorStart = this.peek().span;
    for (let i = 0; i < spec.words.length; i++) this.next();
    let operatorSpan = join(operatorStart, this.tokens[this.position - 1]!.span);
    const operands: Operand[] = [];
    const shape = spec.operands;
    if (shape === 'one') {
      const literal = this.literal();
      if (!literal) return this.recover(subject.span);
      operands.push(literal);
    } else if (shape === 'list') {
      const list = this.list();
      if (!list) return this.recover(subject.span);
      operands.push(list);
    } else if (shape === 'two') {
      const low = this.literal();
      if (!low || !this.expectWord('and')) return this.recover(subject.span);
      const high = this.literal();
      if (!high) return this.recover(subject.span);
      operands.push(low, high);
    } else if (shape === 'duration') {
      const duration = this.duration();
      if (!duration) return this.recover(subject.span);
      operands.push(duration);
    } else if (shape === 'calendar') {
      if (!this.isCalendarAt(0)) {
        this.fail(
          `expected a calendar window such as this month or last 2 calendar weeks, found ${describe(this.peek())}`,
          this.peek().span,
        );
        return this.recover(subject.span);
      }
      const calendar = this.calendar();
      if (!calendar) return this.recover(subject.span);
      operands.push({ kind: 'calendar', window: calendar.window, span: calendar.span });
    } else if (shape === 'duration-range') {
      const low = this.peek();
      if (low.kind !== 'number' || !Number.isInteger(low.value) || low.value < 0) {
        this.fail('expected a whole number, as in between 7 and 30 days ago', low.span);
        return this.recover(subject.span);
      }
      this.next();
      if (!this.expectWord('and')) return this.recover(subject.span);
      const high = this.duration();
      if (!high) return this.recover(subject.span);
      if (low.value > maxDuration[high.unit]) {
        this.fail(durationTooLong(low.value, high.unit), low.span, 'out-of-range');
        return this.recover(subject.span);
      }
      operands.push({ kind: 'duration', amount: low.value, unit: high.unit, span: low.span }, high);
    }
    let chosen: OperatorSpec = spec;
    let suffixRead = false;
    for (const candidate of operatorsByLength) {
      const sameShape = candidate.operands === spec.operands && sameWords(candidate.words, spec.words);
      if (candidate.suffix && sameShape && candidate.suffix.every((w, i) => this.isWordAt(i, w))) {
        chosen = candidate;
        suffixRead = true;
        for (let i = 0; i < candidate.suffix.length; i++) this.next();
        operatorSpan = join(operatorSpan, this.tokens[this.position - 1]!.span);
        break;
      }
    }
    // An operator whose phrase ends after its operands ("ago") must have it.
    if (chosen.suffix && !suffixRead && !this.expectWord(chosen.suffix[0]!)) return this.recover(subject.span);
    const end = this.tokens[this.position - 1]!.span;
    return { kind: 'predicate', subject, operator: chosen.name, operatorSpan, operands, span: join(subject.span, end) };
  }

  /** The operator whose words come next, ignoring variants told apart only by a suffix. */
  private matchOperator(): OperatorSpec | undefined {
    const matches = operatorsByLength.filter((spec) => !spec.suffixOnly && spec.words.every((w, i) => this.tokenTextAt(i) === w));
    if (matches.length <= 1) return matches[0];
    // `within last 2 calendar months` is a calendar window, `within last 2 months` a rolling one.
    const calendar = matches.find((spec) => spec.operands === 'calendar');
    if (calendar) return this.isCalendarAt(calendar.words.length) ? calendar : matches.find((spec) => spec !== calendar);
    // `between 1 and 5` and `between 7 and 30 days ago` share their words: a unit after the second number decides.
    const after = matches[0]!.words.length;
    const unit = this.peekAt(after + 3);
    const isDurationRange = unit.kind === 'word' && unit.text in unitAliases;
    return matches.find((spec) => (spec.operands === 'duration-range') === isDurationRange) ?? matches[0];
  }

  private literal(): Literal | undefined {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      return { kind: 'string', value: token.value, span: token.span };
    }
    if (token.kind === 'number') {
      this.next();
      return { kind: 'number', value: token.value, span: token.span };
    }
    if (token.kind === 'word' && (token.text === 'true' || token.text === 'false')) {
      this.next();
      return { kind: 'boolean', value: token.text === 'true', span: token.span };
    }
    this.fail(`expected a value: a "string" in quotes, a number, true or false; found ${describe(token)}`, token.span);
    return undefined;
  }

  private list(): Extract<Operand, { kind: 'list' }> | undefined {
    const open = this.expectSymbol('[', 'a list in brackets, such as ["pro", "enterprise"]');
    if (!open) return undefined;
    const items: Literal[] = [];
    while (!this.isSymbol(']')) {
      const item = this.literal();
      if (!item) return undefined;
      items.push(item);
      if (!this.isSymbol(',')) break;
      this.next();
    }
    const close = this.expectSymbol(']', 'a closing "]"');
    if (!close) return undefined;
    return { kind: 'list', items, span: join(open.span, close.span) };
  }

  private recover(start: Span): ConditionNode {
    this.skipToBoundary();
    return { kind: 'error', span: join(start, this.tokens[Math.max(0, this.position - 1)]!.span) };
  }

  /** After a failed call: skips to just past the `)` that closes it. */
  private skipPastClose(): void {
    let depth = 0;
    while (this.peek().kind !== 'end') {
      const token = this.next();
      if (token.kind === 'symbol' && token.text === '(') depth++;
      if (token.kind === 'symbol' && token.text === ')' && depth-- === 0) return;
    }
  }

  /** Skips to the next `and`, `or`, `)` or the end, keeping parentheses balanced. */
  private skipToBoundary(): void {
    let depth = 0;
    while (this.peek().kind !== 'end') {
      if (depth === 0 && (this.isWord('and') || this.isWord('or') || this.isSymbol(')'))) return;
      if (this.isSymbol('(')) depth++;
      if (this.isSymbol(')')) depth--;
      this.next();
    }
  }

  private fail(message: string, span: Span, code: Diagnostic['code'] = 'syntax-error'): void {
    this.diagnostics.push(diagnostic(code, message, span));
  }

  private expectSymbol(symbol: string, what: string): Token | undefined {
    if (this.isSymbol(symbol)) return this.next();
    this.fail(`expected ${what}, found ${describe(this.peek())}`, this.peek().span);
    return undefined;
  }

  private expectWord(word: string): Token | undefined {
    if (this.isWord(word)) return this.next();
    this.fail(`expected "${word}", found ${describe(this.peek())}`, this.peek().span);
    return undefined;
  }

  private expectString(what: string): { value: string; span: Span } | undefined {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      return { value: token.value, span: token.span };
    }
    this.fail(`expected ${what}, found ${describe(token)}`, token.span);
    return undefined;
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private peekAt(offset: number): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private tokenTextAt(offset: number): string | undefined {
    const token = this.peekAt(offset);
    return token.kind === 'word' || token.kind === 'symbol' ? token.text : undefined;
  }

  private isWord(word: string): boolean {
    return this.isWordAt(0, word);
  }

  private isWordAt(offset: number, word: string): boolean {
    const token = this.peekAt(offset);
    return token.kind === 'word' && token.text === word;
  }

  private isSymbol(symbol: string): boolean {
    return this.isSymbolAt(0, symbol);
  }

  private isSymbolAt(offset: number, symbol: string): boolean {
    const token = this.peekAt(offset);
    return token.kind === 'symbol' && token.text === symbol;
  }
}

function durationTooLong(amount: number, unit: TimeUnit): string {
  return `${amount} ${unit} is out of range: windows and durations reach at most 1000 years (${maxDuration[unit]} ${unit})`;
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}

function join(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the rule';
    case 'string':
      return `the string ${JSON.stringify(token.value)}`;
    case 'number':
      return `the number ${token.text}`;
    case 'word':
      return `"${token.text}"`;
    case 'symbol':
      return `"${token.text}"`;
  }
}
