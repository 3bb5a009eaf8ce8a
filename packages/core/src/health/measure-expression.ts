import type { FieldSchema } from '../segments/field-schema.js';
import { diagnostic, type Diagnostic } from '../segments/diagnostics.js';
import { evaluateCondition, valueOf, type Profile, type Moment } from '../segments/evaluate.js';
import type { Condition, Target, Value } from '../segments/ir.js';
import { validateRule } from '../segments/validate-rule.js';

/**
 * A checked measure: a condition (1 when true, 0 when false) or arithmetic over rule-language
 * values (`count(people where did "login" within last 30 days) / seats`). Plain data, stored with
 * the model; the values inside are the rule language's own IR, so they read exactly what a segment
 * rule reads.
 */
export type MeasureProgram = { kind: 'condition'; condition: Condition } | { kind: 'number'; expression: NumberExpression };

export type ArithmeticOperator = '+' | '-' | '*' | '/';

export type NumberExpression =
  | { kind: 'constant'; value: number }
  | { kind: 'value'; value: Value }
  | { kind: 'arithmetic'; operator: ArithmeticOperator; left: NumberExpression; right: NumberExpression };

type Piece =
  | { kind: 'operator'; operator: ArithmeticOperator; start: number }
  | { kind: 'open' | 'close'; start: number }
  | { kind: 'operand'; text: string; start: number };

/**
 * Checks measure text. A text that is a valid condition is one; otherwise it is read as arithmetic
 * whose operands are rule-language values or numbers. Mistakes are diagnostics with spans into the
 * text, as for segment rules.
 */
export function checkMeasureExpression(
  text: string,
  options: { target: Target; schema: FieldSchema },
): { ok: true; program: MeasureProgram } | { ok: false; diagnostics: Diagnostic[] } {
  const asCondition = validateRule(text, options);
  if (asCondition.ok) return { ok: true, program: { kind: 'condition', condition: asCondition.rule.condition } };
  const pieces = splitArithmetic(text);
  const looksArithmetic = pieces.some((p) => p.kind === 'operator');
  const reader = new ExpressionReader(pieces, text, options);
  const expression = reader.read();
  // A text with no arithmetic that fails both ways is most likely a condition with a mistake.
  if (!looksArithmetic && reader.diagnostics.length > 0 && !reader.operandParsed && !reader.operandShaped)
    return { ok: false, diagnostics: asCondition.diagnostics };
  if (reader.diagnostics.length > 0 || !expression) return { ok: false, diagnostics: reader.diagnostics };
  return { ok: true, program: { kind: 'number', expression } };
}

/** A measure's value for a profile: a finite number, or undefined when missing (a missing operand, division by zero). */
export function evaluateMeasure(program: MeasureProgram, profile: Profile, at: Moment): number | undefined {
  if (program.kind === 'condition') return evaluateCondition(program.condition, profile, at) ? 1 : 0;
  return evaluateNumber(program.expression, profile, at);
}

const arithmetic: Record<ArithmeticOperator, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

function evaluateNumber(expression: NumberExpression, profile: Profile, at: Moment): number | undefined {
  switch (expression.kind) {
    case 'constant':
      return expression.value;
    case 'value': {
      const value = valueOf(expression.value, profile, at);
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    }
    case 'arithmetic': {
      const left = evaluateNumber(expression.left, profile, at);
      const right = evaluateNumber(expression.right, profile, at);
      if (left === undefined || right === undefined) return undefined;
      const result = arithmetic[expression.operator](left, right);
      return Number.isFinite(result) ? result : undefined;
    }
  }
}

/**
 * Splits text into operators, grouping parentheses and operand texts. A `(` right after a word is a
 * function call and stays in its operand; strings are kept whole; `-` is an operator only with space
 * on both sides, since keys such as `trial-ending` and numbers such as `-1` contain one.
 */
function splitArithmetic(text: string): Piece[] {
  const pieces: Piece[] = [];
  let operand = '';
  let operandStart = 0;
  let callDepth = 0;
  const flush = () => {
    if (operand.trim() !== '')
      pieces.push({ kind: 'operand', text: operand.trim(), start: operandStart + (operand.length - operand.trimStart().length) });
    operand = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (operand === '') operandStart = i;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      operand += text.slice(i, j + 1);
      i = j;
      continue;
    }
    if (callDepth > 0) {
      if (c === '(') callDepth++;
      if (c === ')') callDepth--;
      operand += c;
      continue;
    }
    if (c === '(' && /\w\s*$/.test(operand)) {
      callDepth = 1;
      operand += c;
      continue;
    }
    const spacedMinus = c === '-' && /\s/.test(text[i - 1] ?? ' ') && /\s/.test(text[i + 1] ?? ' ');
    if (c === '+' || c === '*' || c === '/' || spacedMinus) {
      flush();
      pieces.push({ kind: 'operator', operator: c, start: i });
      continue;
    }
    if (c === '(' || c === ')') {
      flush();
      pieces.push({ kind: c === '(' ? 'open' : 'close', start: i });
      continue;
    }
    operand += c;
  }
  flush();
  return pieces;
}

/** Recursive descent over the pieces: `*` and `/` bind tighter than `+` and `-`, all left to right. */
class ExpressionReader {
  private position = 0;
  readonly diagnostics: Diagnostic[] = [];
  /** Whether some operand read as a rule-language value (tells an arithmetic mistake from a condition's). */
  operandParsed = false;
  /** Whether some operand has a value's shape even if it failed its check (an unknown field in an aggregate, say). */
  operandShaped = false;

  constructor(
    private readonly pieces: Piece[],
    private readonly text: string,
    private readonly options: { target: Target; schema: FieldSchema },
  ) {}

  read(): NumberExpression | undefined {
    if (this.pieces.length === 0) {
      this.fail('the measure is empty: write a number such as count(events "login" within last 30 days) or a condition', 0);
      return undefined;
    }
    const expression = this.sum();
    const extra = this.pieces[this.position];
    if (extra) this.fail('unexpected text after the expression: join values with + - * /', extra.start);
    return expression;
  }

  private sum(): NumberExpression | undefined {
    return this.chain(['+', '-'], () => this.product());
  }

  private product(): NumberExpression | undefined {
    return this.chain(['*', '/'], () => this.primary());
  }

  private chain(operators: ArithmeticOperator[], next: () => NumberExpression | undefined): NumberExpression | undefined {
    let left = next();
    for (;;) {
      const piece = this.pieces[this.position];
      if (piece?.kind !== 'operator' || !operators.includes(piece.operator)) return left;
      this.position++;
      const right = next();
      left = left && right ? { kind: 'arithmetic', operator: piece.operator, left, right } : undefined;
    }
  }

  private primary(): NumberExpression | undefined {
    const piece = this.pieces[this.position];
    if (!piece) {
      this.fail('the expression ends early: add a value after the operator', this.text.length);
      return undefined;
    }
    this.position++;
    if (piece.kind === 'open') {
      const inner = this.sum();
      if (this.pieces[this.position]?.kind !== 'close') {
        this.fail('unclosed parenthesis: add a closing )', piece.start);
        return undefined;
      }
      this.position++;
      return inner;
    }
    if (piece.kind !== 'operand') {
      this.fail(`expected a value here, found ${piece.kind === 'operator' ? piece.operator : ')'}`, piece.start);
      return undefined;
    }
    return this.operand(piece.text, piece.start);
  }

  private operand(text: string, start: number): NumberExpression | undefined {
    if (/^-?(\d+(\.\d+)?|\.\d+)$/.test(text)) return { kind: 'constant', value: Number(text) };
    // The rule language types a value as the subject of a predicate; `is set` accepts every type.
    const checked = validateRule(`${text} is set`, this.options);
    const shift = (d: Diagnostic): Diagnostic => ({
      ...d,
      span: { start: start + Math.min(d.span.start, text.length), end: start + Math.min(d.span.end, text.length) },
    });
    if (!checked.ok) {
      // A value that only fails its check (`avg(surveys.csatt ...)`): its own mistake is the one to show.
      if (checked.diagnostics.every((d) => d.code !== 'syntax-error')) this.operandShaped = true;
      this.diagnostics.push(...checked.diagnostics.map(shift));
      return undefined;
    }
    const condition = checked.rule.condition;
    if (condition.kind !== 'predicate') {
      this.fail(`"${text}" is not a value: write a field or an aggregate such as count(...)`, start, start + text.length);
      return undefined;
    }
    this.operandParsed = true;
    if (condition.subject.type !== 'number') {
      this.diagnostics.push(
        diagnostic('type-mismatch', `"${text}" is a ${condition.subject.type}, not a number: arithmetic needs numbers`, {
          start,
          end: start + text.length,
        }),
      );
      return undefined;
    }
    return { kind: 'value', value: condition.subject };
  }

  private fail(message: string, start: number, end = start + 1): void {
    this.diagnostics.push(diagnostic('syntax-error', message, { start, end: Math.min(end, Math.max(this.text.length, start)) }));
  }
}
