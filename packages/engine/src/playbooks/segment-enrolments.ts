import { evaluateRule, firstStep } from '@strata/core';
import { enrollPerson, listPlaybooks, loadPersonRecord, type LoggedSegmentChange, type StoredPlaybook } from '@strata/storage';
import type { Subscriber } from '../changes/index.js';
import { workspaceTimezone } from '../health/index.js';
import { scheduleEnrolment } from './advance-enrolment.js';

const triggerOf = (change: LoggedSegmentChange) => (change.kind === 'enter' ? 'segment-entered' : 'segment-exited');

/**
 * Enrolls people in the playbooks a membership change triggers, in the transaction that moves the
 * subscriber's cursor, and queues each new enrolment's first steps in it too. A repeated batch
 * enrolls nobody twice: `enrollPerson` refuses a person already in the playbook.
 */
export const playbookEnrolments: Subscriber = {
  name: 'playbook-enrolments',
  log: 'segment-changes',
  async handle(changes, { scope }) {
    const playbooks = (await listPlaybooks(scope)).filter((p) => p.enabled);
    if (playbooks.length === 0) return;
    let timezone: string | undefined;
    for (const change of changes) {
      if (change.target !== 'person') continue;
      for (const playbook of playbooks) {
        if (!triggeredBy(playbook, change)) continue;
        if (playbook.filter) {
          const person = await loadPersonRecord(scope, change.memberId);
          timezone ??= await workspaceTimezone(scope);
          if (!person || !evaluateRule(playbook.filter.rule, person, scope.clock(), timezone)) continue;
        }
        const enrolmentId = await enrollPerson(
          scope,
          {
            playbookKey: playbook.key,
            version: playbook.version,
            personId: change.memberId,
            cause: { trigger: triggerOf(change), segment: change.segmentKey, changeId: change.changeId, at: change.at.toISOString() },
            firstStep: firstStep(playbook.steps) ?? null,
          },
          playbook.reenrollAfterDays,
        );
        if (enrolmentId !== undefined) await scheduleEnrolment(scope, enrolmentId);
      }
    }
  },
};

function triggeredBy(playbook: StoredPlaybook, change: LoggedSegmentChange): boolean {
  // A playbook hears changes from its creation on, not the history before it.
  return playbook.trigger.on === triggerOf(change) && playbook.trigger.segment === change.segmentKey && change.at >= playbook.createdAt;
}
