import {
  checkLifecycleStages,
  lifecycleSegmentKey,
  lifecycleSegmentRule,
  type LifecycleStageIssue,
  type LifecycleStageRule,
} from '@strata/core';
import { loadFieldSchema, writeLifecycleStages, type WorkspaceScope } from '@strata/storage';
import { updateSegment, type SegmentRunOptions } from '../segments/index.js';

/**
 * Saves a workspace's lifecycle stage rules: checks them (every mistake, at its field), rewrites
 * each stage's segment so that the first stage whose rule holds is the account's, and keeps the
 * list. Segments on `lifecycle_stage` follow as the stage segments' members change.
 *
 * The segments are rewritten in the new order: each then refers only to stages rewritten before
 * it, so no intermediate state has a cycle, whatever the old order was. A stage whose backfill
 * fails stops the save there, naming it; the stages before it keep their new rules.
 */
export async function saveLifecycleStages(
  scope: WorkspaceScope,
  input: ReadonlyArray<{ stage: string; when: string }>,
  options: SegmentRunOptions = {},
): Promise<{ ok: true; stages: LifecycleStageRule[] } | { ok: false; issues: LifecycleStageIssue[] }> {
  const checked = checkLifecycleStages(input, await loadFieldSchema(scope));
  if (!checked.ok) return checked;
  const { stages } = checked;
  for (const [i, { stage }] of stages.entries()) {
    const outcome = await updateSegment(scope, lifecycleSegmentKey(stage), { rule: lifecycleSegmentRule(stages, i) }, options);
    if (outcome.ok) continue;
    const { problem } = outcome;
    const message =
      problem.code === 'invalid-rule'
        ? problem.diagnostics.map((d) => d.message).join('; ')
        : problem.code === 'evaluation-failed'
          ? `evaluating it failed (${problem.error}); simplify the rule`
          : `the stage's segment ${lifecycleSegmentKey(stage)} is ${problem.code}`;
    return { ok: false, issues: [{ field: `stages[${i}].when`, code: problem.code, message }] };
  }
  await writeLifecycleStages(scope, stages);
  return { ok: true, stages };
}
