import { isDeepStrictEqual } from 'node:util';
import { holdoutArm, type ExperimentGoal, type PlaybookExperiment } from '@strata/core';
import {
  listExperimentEnrolments,
  listPlaybookVersions,
  measureEnrolments,
  type ExperimentEnrolment,
  type StoredPlaybook,
  type WorkspaceScope,
} from '@strata/storage';
import { recordReachedGoals } from './experiment-goal.js';
import { readExperiment, type ExperimentNumbers, type MeasuredGroup } from './experiment-readout.js';

/** Conversion's event when the goal names none: the Segment spec's purchase event. */
export const defaultConversionEvent = 'Order Completed';

export interface PlaybookExperimentReadout extends ExperimentNumbers {
  playbook: string;
  /** The versions whose enrolments are counted: every version with this same experiment. */
  versions: number[];
  holdoutPercent: number;
  goal: { rule?: string; metric?: string; event?: string; withinDays: number };
}

/**
 * Reads out a playbook's experiment over the enrolments of every version that ran the same
 * experiment (a change of name or trigger keeps the count; a change of arms, shares or goal
 * starts a new one). Rule goals are evaluated now for windows still open, before counting.
 */
export async function playbookExperimentReadout(
  scope: WorkspaceScope,
  playbook: StoredPlaybook,
): Promise<PlaybookExperimentReadout | undefined> {
  const experiment = playbook.experiment;
  if (!experiment) return undefined;
  const versions = (await listPlaybookVersions(scope, playbook.key))
    .filter((v) => isDeepStrictEqual(v.definition.experiment, JSON.parse(JSON.stringify(experiment))))
    .map((v) => v.version);
  const { goal } = experiment;
  let enrolments = await listExperimentEnrolments(scope, playbook.key, versions);
  let values: Map<string, number | null>;
  if ('rule' in goal) {
    await recordReachedGoals(scope, enrolments, { rule: goal.rule.rule, withinDays: goal.withinDays });
    enrolments = await listExperimentEnrolments(scope, playbook.key, versions);
    values = new Map(enrolments.map((e) => [e.id, e.goalReachedAt === null ? 0 : 1]));
  } else {
    const measured = await measureEnrolments(
      scope,
      enrolments.map((e) => e.id),
      { metric: goal.metric, withinDays: goal.withinDays, event: goal.event ?? defaultConversionEvent },
    );
    values = new Map(measured.map((m) => [m.id, m.value]));
  }
  const kind = 'rule' in goal || goal.metric === 'conversion' || goal.metric === 'retention' ? 'proportion' : 'mean';
  const numbers = readExperiment(kind, measuredGroups(experiment, enrolments, values), holdoutArm);
  return { playbook: playbook.key, versions, holdoutPercent: experiment.holdoutPercent, goal: goalView(goal), ...numbers };
}

/** The holdout and the arms with their shares of all enrolments, each with its measured values. */
function measuredGroups(
  experiment: PlaybookExperiment,
  enrolments: readonly ExperimentEnrolment[],
  values: ReadonlyMap<string, number | null>,
): MeasuredGroup[] {
  const group = (key: string, share: number): MeasuredGroup => {
    const members = enrolments.filter((e) => e.arm === key);
    const measured = members.map((e) => values.get(e.id)).filter((v): v is number => v !== null && v !== undefined);
    return { key, share, enrolled: members.length, values: measured };
  };
  const rest = (100 - experiment.holdoutPercent) / 100;
  return [group(holdoutArm, experiment.holdoutPercent), ...experiment.arms.map((arm) => group(arm.key, arm.weight * rest))];
}

function goalView(goal: ExperimentGoal): PlaybookExperimentReadout['goal'] {
  if ('rule' in goal) return { rule: goal.rule.text, withinDays: goal.withinDays };
  return {
    metric: goal.metric,
    withinDays: goal.withinDays,
    ...(goal.metric === 'conversion' ? { event: goal.event ?? defaultConversionEvent } : {}),
  };
}
