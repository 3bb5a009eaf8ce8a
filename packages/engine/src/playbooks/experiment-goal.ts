import { z } from 'zod';
import { evaluateRule, type PlaybookExperiment, type SegmentRule } from '@strata/core';
import {
  findPlaybookVersion,
  inWorkspaceTransaction,
  loadPersonRecords,
  lockExperimentEnrolment,
  markGoalReached,
  workspaceScope,
  type ExperimentEnrolment,
  type WorkspaceScope,
} from '@strata/storage';
import { workspaceTimezone } from '../health/index.js';
import { enqueue, type Task } from '../jobs/index.js';

const dayMs = 86_400_000;

/** People whose goal rule is evaluated in one round of statements. */
const batchSize = 100;

/**
 * Marks as reached the enrolments whose goal rule holds for their person now, among those still
 * inside their window and not yet reached. The readout calls it before counting, and the
 * end-of-window job for its one enrolment: a goal is seen when it holds at either moment.
 */
export async function recordReachedGoals(
  scope: WorkspaceScope,
  enrolments: readonly Pick<ExperimentEnrolment, 'id' | 'personId' | 'startedAt' | 'goalReachedAt'>[],
  goal: { rule: SegmentRule; withinDays: number },
): Promise<void> {
  const now = scope.clock();
  const open = enrolments.filter((e) => e.goalReachedAt === null && now.getTime() <= e.startedAt.getTime() + goal.withinDays * dayMs);
  if (open.length === 0) return;
  const timezone = await workspaceTimezone(scope);
  for (let start = 0; start < open.length; start += batchSize) {
    const batch = open.slice(start, start + batchSize);
    const people = await loadPersonRecords(
      scope,
      batch.map((e) => e.personId),
      { rule: goal.rule, now },
    );
    const reached = batch.filter((e) => {
      const person = people.get(e.personId);
      return person !== undefined && evaluateRule(goal.rule, person, now, timezone);
    });
    await markGoalReached(
      scope,
      reached.map((e) => e.id),
      now,
    );
  }
}

/** At the end of an enrolment's goal window, evaluates its version's goal rule once more (rule goals only). */
export const checkExperimentGoalTask: Task<{ workspaceId: string; enrolmentId: string }> = {
  name: 'check-experiment-goal',
  payload: z.object({ workspaceId: z.string(), enrolmentId: z.string() }),
  async run({ workspaceId, enrolmentId }, { db, now }) {
    const scope = workspaceScope(db, workspaceId, now);
    await inWorkspaceTransaction(scope, async (tx) => {
      const enrolment = await lockExperimentEnrolment(tx, enrolmentId);
      const goal = enrolment && (await findPlaybookVersion(tx, enrolment.playbookKey, enrolment.version))?.experiment?.goal;
      if (!enrolment || !goal || !('rule' in goal)) return;
      // A job that runs a little late still counts as at the window's end (a minute's grace for the queue).
      await recordReachedGoals(tx, [enrolment], { rule: goal.rule.rule, withinDays: goal.withinDays + 1 / 1440 });
    });
  },
};

/** Queues the end-of-window check of a new enrolment's goal rule (metric goals are measured from stored data when read). */
export async function scheduleGoalCheck(scope: WorkspaceScope, enrolmentId: string, experiment: PlaybookExperiment): Promise<void> {
  if (!('rule' in experiment.goal)) return;
  await enqueue(
    scope.db,
    checkExperimentGoalTask,
    { workspaceId: scope.workspaceId, enrolmentId },
    { runAt: new Date(scope.clock().getTime() + experiment.goal.withinDays * dayMs), key: `experiment-goal:${enrolmentId}` },
  );
}
