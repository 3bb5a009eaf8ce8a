import './zod-without-eval';
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import type { Diagnostic as LintDiagnostic } from '@codemirror/lint';
import type { EditorView } from '@codemirror/view';
import {
  aggregateNames,
  builtinColumns,
  diagnosticDocs,
  operatorSpecs,
  ticketTargetFields,
  validateRule,
  validateTicketRule,
  type FieldSchema,
  type FieldType,
  type RuleTarget,
  type Target,
} from '@strata/core';

/** What GET /api/v1/fields answers: the workspace's fields with their types, and its segments. */
export interface Fields {
  person: Record<string, string>;
  account: Record<string, string>;
  membership: Record<string, string>;
  events: Record<string, Record<string, string>>;
  ticket: Record<string, string>;
  survey: Record<string, string>;
  segments: Record<string, { target: Target; references: string[] }>;
}

/** The checker's schema from the API's answer (the same one POST /segments/validate loads on the server). */
export function fieldSchemaOf(fields: Fields): FieldSchema {
  return fields as unknown as FieldSchema & { person: Record<string, FieldType> };
}

/** The fix a message offers: core's "did you mean" names the word to write instead. */
export function suggestedFix(message: string): string | undefined {
  return /did you mean "([^"]+)"/.exec(message)?.[1];
}

/**
 * Core's diagnostics as CodeMirror's: underlined at their span, with the message, what the code
 * means, and a "did you mean" as a button that writes the suggestion in place.
 */
export function lintRule(text: string, target: RuleTarget, schema: FieldSchema, segmentKey?: string): LintDiagnostic[] {
  if (text.trim() === '') return [];
  const result =
    target === 'ticket'
      ? validateTicketRule(text, { schema })
      : validateRule(text, { target, schema, ...(segmentKey ? { segmentKey } : {}) });
  if (result.ok) return [];
  return result.diagnostics.map((d) => {
    // A zero-width span (at the end of the text) still needs a character to underline.
    const from = Math.min(d.span.start, text.length);
    const to = Math.min(Math.max(d.span.end, from), text.length);
    const fix = suggestedFix(d.message);
    const quoted = fix !== undefined && text[from] === '"';
    return {
      from,
      to,
      severity: 'error' as const,
      source: d.code,
      message: `${d.message} (${diagnosticDocs[d.code]})`,
      ...(fix
        ? {
            actions: [
              {
                name: `Use "${fix}"`,
                apply: (view: EditorView, start: number, end: number) =>
                  view.dispatch({ changes: { from: start, to: end, insert: quoted ? `"${fix}"` : fix } }),
              },
            ],
          }
        : {}),
    };
  });
}

const typed = (record: Record<string, string>, type: string, boost = 0): Completion[] =>
  Object.entries(record).map(([label, detail]) => ({ label, detail, type, boost }));

/** Operators from core's registry: the words as written, with their doc and example. */
const operatorCompletions: Completion[] = operatorSpecs.map((spec) => ({
  label: spec.words.join(' '),
  detail: spec.subjects.join(', '),
  info: `${spec.doc} — ${spec.example}`,
  type: 'keyword',
}));
const aggregateCompletions: Completion[] = aggregateNames.map((name) => ({ label: `${name}(`, type: 'function', detail: 'aggregate' }));
const wordCompletions: Completion[] = ['and', 'or', 'not', 'in segment "', 'within last', 'events "', 'did "'].map((label) => ({
  label,
  type: 'keyword',
  boost: -1,
}));

/**
 * Autocomplete: inside quotes after `in segment` the segment keys of the target, after `events`
 * or `did` the event names; elsewhere the target's fields, operators, aggregates and keywords.
 */
export function completeRule(context: CompletionContext, target: RuleTarget, fields: Fields | undefined): CompletionResult | null {
  if (!fields) return null;
  const before = context.state.sliceDoc(Math.max(0, context.pos - 200), context.pos);
  const quoted = /(in segment|events|did)\s+"([^"]*)$/.exec(before);
  if (quoted) {
    const names =
      quoted[1] === 'in segment'
        ? Object.entries(fields.segments)
            // A ticket rule reads the requester's and the account's segments alike.
            .filter(([, s]) => target === 'ticket' || s.target === target)
            .map(([label]) => ({ label, type: 'variable', detail: 'segment' }))
        : Object.keys(fields.events).map((label) => ({ label, type: 'constant', detail: 'event' }));
    return { from: context.pos - quoted[2]!.length, options: names, validFor: /^[\w.:-]*$/ };
  }
  const word = context.matchBefore(/[A-Za-z_][\w.]*/);
  if (!word && !context.explicit) return null;
  if (target === 'ticket') return { from: word?.from ?? context.pos, options: ticketCompletions(fields), validFor: /^[\w.]*$/ };
  const own = { ...fields[target], ...Object.fromEntries(Object.entries(builtinColumns[target]).map(([k, v]) => [k, v.type])) };
  return {
    from: word?.from ?? context.pos,
    options: [
      ...typed(own, 'property', 2),
      ...typed(Object.fromEntries(Object.entries(fields.ticket).map(([k, v]) => [`tickets.${k}`, v])), 'property'),
      ...typed(Object.fromEntries(Object.entries(fields.survey).map(([k, v]) => [`surveys.${k}`, v])), 'property'),
      ...operatorCompletions,
      ...aggregateCompletions,
      ...wordCompletions,
    ],
    validFor: /^[\w.]*$/,
  };
}

/** A ticket rule's words: the ticket's fields, its requester's and account's (prefixed), operators and keywords. */
function ticketCompletions(fields: Fields): Completion[] {
  const ticket = Object.fromEntries(Object.entries(ticketTargetFields(fieldSchemaOf(fields))).map(([k, v]) => [k, v.type]));
  const prefixed = (prefix: Target, record: Record<string, string>) =>
    Object.fromEntries(Object.entries(record).map(([k, v]) => [`${prefix}.${k}`, v]));
  return [
    ...typed(ticket, 'property', 2),
    ...typed(prefixed('person', fields.person), 'property'),
    ...typed(prefixed('account', fields.account), 'property'),
    ...operatorCompletions,
    ...wordCompletions.filter((w) => w.label === 'and' || w.label === 'or' || w.label === 'not' || w.label.startsWith('in segment')),
  ];
}
