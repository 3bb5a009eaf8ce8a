import {
  validateRule,
  type FieldSchema,
  type PlaybookDefinition,
  type PlaybookStep,
  type PlaybookTrigger,
  type StoredRule,
} from '@strata/core';
import { listSegments, loadFieldSchema, type WorkspaceScope } from '@strata/storage';

/** A step as a client writes it: rules (`if`) are text. */
export type PlaybookStepInput =
  | Exclude<PlaybookStep, { type: 'branch' | 'exit-when' }>
  | { type: 'branch'; if: string; then: PlaybookStepInput[]; else: PlaybookStepInput[] }
  | { type: 'exit-when'; if: string };

/** A playbook as a client writes it. */
export interface PlaybookInput {
  name: string;
  enabled: boolean;
  trigger: PlaybookTrigger;
  filter?: string | undefined;
  steps: PlaybookStepInput[];
  reenrollAfterDays?: number | undefined;
}

/** A mistake in a playbook: the JSON path of the field at fault (`steps[2].if`) and how to fix it. */
export interface PlaybookIssue {
  field: string;
  message: string;
}

export type CheckedPlaybook = { ok: true; definition: PlaybookDefinition } | { ok: false; issues: PlaybookIssue[] };

/**
 * Checks a playbook against the workspace, reporting every mistake: the segment its trigger names
 * must exist and select people, and each rule (the filter, `branch` and `exit-when`) must parse
 * and check as a rule about a person.
 */
export async function checkPlaybook(scope: WorkspaceScope, input: PlaybookInput): Promise<CheckedPlaybook> {
  const [schema, segments] = await Promise.all([loadFieldSchema(scope), listSegments(scope)]);
  const issues: PlaybookIssue[] = [];
  const segment = segments.find((s) => s.key === input.trigger.segment);
  if (!segment) {
    const known = segments.length > 0 ? `one of ${segments.map((s) => `"${s.key}"`).join(', ')}` : 'none yet';
    issues.push({
      field: 'trigger.segment',
      message: `unknown segment "${input.trigger.segment}" (the workspace has ${known}): create it first with POST /api/v1/segments`,
    });
  } else if (segment.target !== 'person')
    issues.push({
      field: 'trigger.segment',
      message: `segment "${segment.key}" selects accounts; a playbook enrolls people: name a segment of people`,
    });
  const rule = (text: string, field: string): StoredRule | undefined => checkedRule(text, field, schema, issues);
  const filter = input.filter === undefined ? undefined : rule(input.filter, 'filter');
  const steps = checkedSteps(input.steps, 'steps', rule);
  if (issues.length > 0 || !steps) return { ok: false, issues };
  return {
    ok: true,
    definition: {
      name: input.name,
      enabled: input.enabled,
      trigger: input.trigger,
      ...(filter ? { filter } : {}),
      steps,
      ...(input.reenrollAfterDays !== undefined ? { reenrollAfterDays: input.reenrollAfterDays } : {}),
    },
  };
}

function checkedRule(text: string, field: string, schema: FieldSchema, issues: PlaybookIssue[]): StoredRule | undefined {
  const result = validateRule(text, { target: 'person', schema });
  if (result.ok) return { text: result.text, rule: result.rule };
  for (const d of result.diagnostics)
    issues.push({ field, message: `${d.message} (characters ${d.span.start + 1}-${d.span.end} of the rule)` });
  return undefined;
}

/** The steps with their rules checked, or undefined when a rule failed (its issue is recorded). */
function checkedSteps(
  steps: readonly PlaybookStepInput[],
  path: string,
  rule: (text: string, field: string) => StoredRule | undefined,
): PlaybookStep[] | undefined {
  // Every step is checked, even after one failed, so that all mistakes are reported at once.
  const checked = steps.map((step, i) => checkedStep(step, `${path}[${i}]`, rule));
  return checked.every((s) => s !== undefined) ? checked : undefined;
}

function checkedStep(
  step: PlaybookStepInput,
  at: string,
  rule: (text: string, field: string) => StoredRule | undefined,
): PlaybookStep | undefined {
  switch (step.type) {
    case 'branch': {
      const condition = rule(step.if, `${at}.if`);
      const then = checkedSteps(step.then, `${at}.then`, rule);
      const otherwise = checkedSteps(step.else, `${at}.else`, rule);
      return condition && then && otherwise ? { type: 'branch', if: condition, then, else: otherwise } : undefined;
    }
    case 'exit-when': {
      const condition = rule(step.if, `${at}.if`);
      return condition && { type: 'exit-when', if: condition };
    }
    case 'set-trait':
    case 'task':
    case 'wait':
      return step;
  }
}
