import { evaluateRule, firstStep } from '@strata/core';
import { enrollPerson, loadPersonRecord, type StoredPlaybook, type WorkspaceScope } from '@strata/storage';
import { workspaceTimezone } from '../health/index.js';
import { scheduleEnrolment } from './advance-enrolment.js';

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
    const enrolmentId = await enrollPerson(
      scope,
      { playbookKey: playbook.key, version: playbook.version, personId, cause, firstStep: firstStep(playbook.steps) ?? null },
      playbook.reenrollAfterDays,
    );
    if (enrolmentId === undefined) continue;
    await scheduleEnrolment(scope, enrolmentId);
    started++;
  }
  return started;
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
