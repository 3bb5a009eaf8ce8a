import { checkRule } from './check.js';
import type { Diagnostic } from './diagnostics.js';
import type { FieldSchema } from './field-schema.js';
import type { SegmentRule, Target } from './ir.js';
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
