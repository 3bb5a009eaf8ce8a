import { holdoutArm, type ExperimentGoalMetric, type PlaybookExperiment, type PlaybookStep, type StoredRule } from '@strata/core';
import type { PlaybookStepInput } from './playbook-checking.js';

/** An experiment as a client writes it: the goal rule is text; a goal's window defaults to 30 days. */
export interface ExperimentInput {
  arms: Array<{ key: string; weight: number; steps: PlaybookStepInput[] }>;
  holdoutPercent: number;
  goal:
    | { rule: string; withinDays?: number | undefined }
    | { metric: ExperimentGoalMetric; withinDays?: number | undefined; event?: string | undefined };
}

/** The goal window when the client gives none: retention's usual 30 days. */
export const defaultGoalDays = 30;

/** What checking an experiment borrows from checking the playbook, so that issues land in one list. */
export interface ExperimentChecks {
  rule: (text: string, field: string) => StoredRule | undefined;
  issue: (field: string, message: string) => void;
  steps: (steps: readonly PlaybookStepInput[], path: string) => PlaybookStep[] | undefined;
}

/**
 * Checks an experiment: arm weights are shares of the people not held out and sum to 100, arm
 * keys are distinct (and not `holdout`), the goal rule checks as a rule about a person, and each
 * arm's steps check as a playbook's steps do (fields `experiment.arms[0].steps[1]`).
 */
export function checkedExperiment(input: ExperimentInput, checks: ExperimentChecks): PlaybookExperiment | undefined {
  const { issue } = checks;
  let ok = true;
  const total = input.arms.reduce((s, a) => s + a.weight, 0);
  if (input.arms.length > 0 && Math.abs(total - 100) > 1e-9) {
    issue(
      'experiment.arms',
      `arm weights are percentages of the people not held out and must sum to 100; these sum to ${total}: ` +
        `scale them, for example ${input.arms.map((a) => Math.round((a.weight / total) * 1000) / 10).join(' and ')}`,
    );
    ok = false;
  }
  const seen = new Set<string>();
  input.arms.forEach((arm, i) => {
    if (arm.key === holdoutArm) {
      issue(`experiment.arms[${i}].key`, `"${holdoutArm}" names the held-out group (set holdoutPercent for it): give the arm another key`);
      ok = false;
    } else if (seen.has(arm.key)) {
      issue(`experiment.arms[${i}].key`, `the arm key "${arm.key}" is used twice: give each arm its own key`);
      ok = false;
    }
    seen.add(arm.key);
  });
  const arms = input.arms.map((arm, i) => {
    const steps = checks.steps(arm.steps, `experiment.arms[${i}].steps`);
    return steps && { key: arm.key, weight: arm.weight, steps };
  });
  const withinDays = input.goal.withinDays ?? defaultGoalDays;
  let goal: PlaybookExperiment['goal'] | undefined;
  if ('rule' in input.goal) {
    const rule = checks.rule(input.goal.rule, 'experiment.goal.rule');
    goal = rule && { rule, withinDays };
  } else {
    goal = { metric: input.goal.metric, withinDays, ...(input.goal.event !== undefined ? { event: input.goal.event } : {}) };
  }
  if (!ok || !goal || !arms.every((a) => a !== undefined)) return undefined;
  return { arms, holdoutPercent: input.holdoutPercent, goal };
}
