import { listAccountPeopleIds, listPlaybooks, type LoggedSegmentChange, type StoredPlaybook } from '@strata/storage';
import type { Subscriber } from '../changes/index.js';
import { enrollTriggered, type TriggerCause } from './trigger-enrolment.js';

const triggerOf = (change: LoggedSegmentChange) => (change.kind === 'enter' ? 'segment-entered' : 'segment-exited');

/**
 * Enrolls people in the playbooks a membership change triggers, in the transaction that moves the
 * subscriber's cursor, and queues each new enrolment's first steps in it too. An account's change
 * enrolls each of its people the filter holds for (an account play addressing admins filters on
 * `role = "admin"`). A repeated batch enrolls nobody twice: `enrollPerson` refuses a person
 * already in the playbook.
 */
export const playbookEnrolments: Subscriber = {
  name: 'playbook-enrolments',
  log: 'segment-changes',
  async handle(changes, { scope }) {
    const playbooks = (await listPlaybooks(scope)).filter((p) => p.enabled);
    if (playbooks.length === 0) return;
    for (const change of changes) {
      const triggered = playbooks.filter((p) => triggeredBy(p, change));
      if (triggered.length === 0) continue;
      const people = change.target === 'person' ? [change.memberId] : await listAccountPeopleIds(scope, change.memberId);
      for (const playbook of triggered) await enrollTriggered(scope, playbook, people, causeOf(change));
    }
  },
};

function causeOf(change: LoggedSegmentChange): TriggerCause {
  return {
    trigger: triggerOf(change),
    segment: change.segmentKey,
    changeId: change.changeId,
    at: change.at.toISOString(),
    ...(change.target === 'account' ? { groupId: change.id } : {}),
  };
}

function triggeredBy(playbook: StoredPlaybook, change: LoggedSegmentChange): boolean {
  // A playbook hears changes from its creation on, not the history before it.
  const { trigger } = playbook;
  if (trigger.on !== 'segment-entered' && trigger.on !== 'segment-exited') return false;
  return trigger.on === triggerOf(change) && trigger.segment === change.segmentKey && change.at >= playbook.createdAt;
}
