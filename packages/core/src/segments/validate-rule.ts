import { checkRule, checkTicketRule } from './check.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { FieldSchema } from './field-schema.js';
import type { SegmentRule, Target, TicketRule } from './ir.js';
import { parseRule } from './parse.js';
import { printRule } from './print.js';

export type ValidateResult = { ok: true; rule: SegmentRule; text: string } | { ok: false; diagnostics: Diagnostic[] };

/** Parses and checks rule text; on success also gives its canonical text. */
export function validateRule(text: string, options: { target: Target; schema: FieldSchema; segmentKey?: string }): ValidateResult {
  const parsed = parseRule(text);
  // Check what could be read even when some could not, so one run reports every kind of mistake.
  const checked = checkRule(parsed.ast, options);
  if (parsed.diagnostics.length > 0 || !checked.ok) {
    const all = [...parsed.diagnostics, ...(checked.ok ? [] : checked.diagnostics)];
    return { ok: false, diagnostics: all.sort((a, b) => a.span.start - b.span.start) };
  }
  return { ok: true, rule: checked.rule, text: printRule(checked.rule) };
}

export type ValidateTicketResult = { ok: true; rule: TicketRule; text: string } | { ok: false; diagnostics: Diagnostic[] };

/** Parses and checks the text of a ticket rule (a support policy's `when`), as `validateRule` does a segment's. */
export function validateTicketRule(text: string, options: { schema: FieldSchema }): ValidateTicketResult {
  const parsed = parseRule(text);
  const checked = checkTicketRule(parsed.ast, options);
  if (parsed.diagnostics.length > 0 || !checked.ok) {
    const all = [...parsed.diagnostics, ...(checked.ok ? [] : checked.diagnostics)];
    return { ok: false, diagnostics: all.sort((a, b) => a.span.start - b.span.start) };
  }
  return { ok: true, rule: checked.rule, text: printRule(checked.rule) };
}

/** The longest rule text accepted; a rule given as IR must print within it too. */
export const maxRuleTextLength = 10_000;
// Bounds on IR checked before anything recursive walks it: far above what 10,000 characters of
// text can produce, far below what could exhaust the stack or the memory of one request.
const maxIrValues = 20_000;
const maxIrDepth = 200;

/**
 * The canonical text of a rule given as IR (as POST /segments/validate returns it), to be
 * validated like typed text: IR is held to the same size as text, and a shape that is not IR is a
 * diagnostic, not an exception. Its size is measured without recursion before it is printed.
 */
export function ruleTextOfIr(ir: unknown): { ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] } {
  const at = { start: 0, end: 0 };
  const tooLarge = (detail: string) => ({
    ok: false as const,
    diagnostics: [diagnostic('rule-too-large', `the rule is too large: ${detail}; split it into segments that refer to each other`, at)],
  });
  let values = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value: ir, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (++values > maxIrValues) return tooLarge(`it has more than ${maxIrValues} values`);
    if (depth > maxIrDepth) return tooLarge(`it nests deeper than ${maxIrDepth} levels`);
    if (value !== null && typeof value === 'object')
      for (const child of Object.values(value as Record<string, unknown>)) stack.push({ value: child, depth: depth + 1 });
  }
  let text: string;
  try {
    text = printRule(ir as SegmentRule);
  } catch {
    return {
      ok: false,
      diagnostics: [diagnostic('syntax-error', 'rule IR is not of the form POST /segments/validate returns', at)],
    };
  }
  if (text.length > maxRuleTextLength) return tooLarge(`its text is ${text.length} characters and the limit is ${maxRuleTextLength}`);
  return { ok: true, text };
}
