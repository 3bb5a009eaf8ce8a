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
  if (parsed.diagnostics.length > 0) return { ok: false, diagnostics: parsed.diagnostics };
  const checked = checkRule(parsed.ast, options);
  if (!checked.ok) return checked;
  return { ok: true, rule: checked.rule, text: printRule(checked.rule) };
}
