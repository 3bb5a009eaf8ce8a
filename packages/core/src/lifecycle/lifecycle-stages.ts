import { registerComputedField } from '../segments/computed-fields.js';
import { ruleDependencies } from '../segments/dependencies.js';
import type { Diagnostic } from '../segments/diagnostics.js';
import type { FieldSchema } from '../segments/field-schema.js';
import type { SegmentRule } from '../segments/ir.js';
import { validateRule } from '../segments/validate-rule.js';

/** The stages of the customer journey an account can be in (`lifecycle_stage`). */
export const lifecycleStages = ['trial', 'onboarding', 'adoption', 'renewal', 'expansion', 'at-risk', 'churned'] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

/** One stage and the account rule that puts an account in it, unless an earlier stage did. */
export interface LifecycleStageRule {
  stage: LifecycleStage;
  when: string;
}

/**
 * The stages every workspace starts with, in the order they are tried: an account that churned
 * is churned whatever else holds; a trial is a trial; poor health outranks where the account is
 * in its journey; a new account is onboarding; then growth, the coming renewal, and paying
 * accounts in their stride. Built on the predefined segments, so editing those moves the stages.
 */
export const defaultLifecycleStageRules: readonly LifecycleStageRule[] = [
  { stage: 'churned', when: 'in segment "churned"' },
  { stage: 'trial', when: 'in segment "trial"' },
  { stage: 'at-risk', when: 'in segment "at-risk"' },
  { stage: 'onboarding', when: 'signed_up_at within last 30 days' },
  { stage: 'expansion', when: 'in segment "expanding"' },
  { stage: 'renewal', when: 'in segment "renewal-due"' },
  { stage: 'adoption', when: 'in segment "paying"' },
];

/** The segment holding the accounts in a stage: the stages are segments, so rules on them stay live. */
export function lifecycleSegmentKey(stage: LifecycleStage): string {
  return `lifecycle-${stage}`;
}

/**
 * The rule of a stage's segment: its own rule, and in no earlier stage's segment. So the stage
 * segments never overlap and the first stage whose rule holds is the account's.
 */
export function lifecycleSegmentRule(stages: readonly LifecycleStageRule[], index: number): string {
  const stage = stages[index];
  if (!stage) throw new Error(`invariant: no lifecycle stage at ${index}`);
  const earlier = stages.slice(0, index).map((s) => ` and not in segment "${lifecycleSegmentKey(s.stage)}"`);
  return `(${stage.when})${earlier.join('')}`;
}

/** A mistake in a list of stage rules, at its field (`stages[2].when`). */
export interface LifecycleStageIssue {
  field: string;
  code: string;
  message: string;
}

/**
 * Checks stage rules against the workspace's fields: each of the seven stages once, each `when` a
 * valid account rule that does not itself read the stages. Reports every mistake, each at its field;
 * returns the canonical text of each rule when there is none.
 */
export function checkLifecycleStages(
  stages: ReadonlyArray<{ stage: string; when: string }>,
  schema: FieldSchema,
): { ok: true; stages: LifecycleStageRule[] } | { ok: false; issues: LifecycleStageIssue[] } {
  const issues: LifecycleStageIssue[] = [];
  const seen = new Set<string>();
  const checked: LifecycleStageRule[] = [];
  stages.forEach(({ stage, when }, i) => {
    if (!(lifecycleStages as readonly string[]).includes(stage))
      issues.push({
        field: `stages[${i}].stage`,
        code: 'unknown-stage',
        message: `"${stage}" is not a stage: use one of ${lifecycleStages.join(', ')}`,
      });
    else if (seen.has(stage))
      issues.push({ field: `stages[${i}].stage`, code: 'duplicate-stage', message: `"${stage}" is listed twice: list each stage once` });
    seen.add(stage);
    const result = validateRule(when, { target: 'account', schema, segmentKey: lifecycleSegmentKey(stage as LifecycleStage) });
    if (!result.ok) {
      for (const d of result.diagnostics) issues.push(ruleIssue(i, d));
      return;
    }
    if (readsStages(result.rule))
      issues.push({
        field: `stages[${i}].when`,
        code: 'reads-stages',
        message: 'a stage rule cannot read lifecycle_stage or the stage segments: write the condition itself',
      });
    checked.push({ stage: stage as LifecycleStage, when: result.text });
  });
  const missing = lifecycleStages.filter((s) => !seen.has(s));
  if (missing.length > 0)
    issues.push({ field: 'stages', code: 'missing-stage', message: `every stage needs a rule; add ${missing.join(', ')}` });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, stages: checked };
}

function ruleIssue(index: number, d: Diagnostic): LifecycleStageIssue {
  return { field: `stages[${index}].when`, code: d.code, message: `${d.message} (at ${d.span.start}-${d.span.end})` };
}

function readsStages(rule: SegmentRule): boolean {
  return ruleDependencies(rule).topics.some((t) => t.startsWith('segment:lifecycle-'));
}

/**
 * Registers the account rule field `lifecycle_stage`: the stage whose segment holds the account
 * (the stage segments never overlap), missing when no stage's rule holds. It reads memberships,
 * loaded onto the record, as SQL reads `segment_members` (storage's `lifecycleStageSql`). Returns
 * the unregistration.
 */
export function registerLifecycleStageField(): () => void {
  return registerComputedField({
    name: 'lifecycle_stage',
    target: 'account',
    type: 'string',
    topics: lifecycleStages.map((s) => `segment:${lifecycleSegmentKey(s)}`),
    read: (record) => lifecycleStages.find((s) => record.segments.has(lifecycleSegmentKey(s))),
  });
}
