import { assignArm, evaluateRule, firstStep, stepsOf } from '@strata/core';
import { enrollPerson, loadPersonRecord, type StoredPlaybook, type WorkspaceScope } from '@strata/storage';
import { workspaceTimezone } from '../health/index.js';
import { scheduleEnrolment } from './advance-enrolment.js';
import { scheduleGoalCheck } from './experiment-goal.js';

/** Why a run started, as its `cause` records it: `trigger` names the trigger, the rest is what set it off. */
export type TriggerCause = { trigger: string } & Record<string, unknown>;

/**
 * Enrolls people a trigger names in a playbook, each only when the playbook's filter holds for
 * them now (and its re-enrolment rule lets them in), and queues each new run's first steps in the
 * caller's transaction. Answers how many runs started.
 */
export async function enrollTriggered(
  scope: WorkspaceScope,
  playbook: StoredPlaybook,
  personIds: readonly string[],
  cause: TriggerCause,
): Promise<number> {
  let timezone: string | undefined;
  let started = 0;
  for (const personId of personIds) {
    if (playbook.filter) {
      const person = await loadPersonRecord(scope, personId);
      timezone ??= await workspaceTimezone(scope);
      if (!person || !evaluateRule(playbook.filter.rule, person, scope.clock(), timezone)) continue;
    }
    if (await startRun(scope, playbook, personId, cause)) started++;
  }
  return started;
}

/**
 * Starts one person's run, when the re-enrolment rule lets them in, and queues its first steps in
 * the caller's transaction. In an experiment the arm is drawn here and stored with the run: it is
 * the one the person runs, whatever changes later. Answers whether a run started.
 */
export async function startRun(scope: WorkspaceScope, playbook: StoredPlaybook, personId: string, cause: TriggerCause): Promise<boolean> {
  const arm = playbook.experiment ? assignArm(playbook.key, playbook.version, personId, playbook.experiment) : null;
  const enrolmentId = await enrollPerson(
    scope,
    { playbookKey: playbook.key, version: playbook.version, personId, cause, firstStep: firstStep(stepsOf(playbook, arm)) ?? null, arm },
    playbook.reenrollAfterDays,
  );
  if (enrolmentId === undefined) return false;
  await scheduleEnrolment(scope, enrolmentId);
  if (playbook.experiment) await scheduleGoalCheck(scope, enrolmentId, playbook.experiment);
  return true;
}

/** The enabled playbooks of one trigger kind, narrowed to it. */
export function playbooksOn<K extends StoredPlaybook['trigger']['on']>(
  playbooks: readonly StoredPlaybook[],
  on: K,
): Array<StoredPlaybook & { trigger: Extract<StoredPlaybook['trigger'], { on: K }> }> {
  return playbooks.filter(
    (p): p is StoredPlaybook & { trigger: Extract<StoredPlaybook['trigger'], { on: K }> } => p.enabled && p.trigger.on === on,
  );
}
