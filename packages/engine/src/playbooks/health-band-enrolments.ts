import {
  advanceCursor,
  inWorkspaceTransaction,
  listAccountPeopleIds,
  listPlaybooks,
  lockCursor,
  readHealthBandChangesAfter,
  type WorkspaceScope,
} from '@strata/storage';
import { enrollTriggered, playbooksOn } from './trigger-enrolment.js';

/** The cursor's name in `change_cursors`: never rename it. */
export const healthBandCursor = 'playbook-health-bands';
const batchSize = 500;

/**
 * Enrolls on health band changes after this reader's cursor: an account's change enrolls each of
 * its people the filter holds for (as account segment plays do), a person's change the person.
 * `to` narrows to changes into that band. Answers the changes read.
 */
export async function enrollFromHealthBands(scope: WorkspaceScope): Promise<number> {
  let read = 0;
  for (;;) {
    const batch = await inWorkspaceTransaction(scope, async (tx) => {
      const cursor = await lockCursor(tx, healthBandCursor);
      if (!cursor) return 0;
      const changes = await readHealthBandChangesAfter(tx, cursor, batchSize);
      const last = changes[changes.length - 1];
      if (!last) return 0;
      const playbooks = playbooksOn(await listPlaybooks(tx), 'health-band-changed');
      for (const change of changes) {
        const triggered = playbooks.filter(
          (p) => change.at >= p.createdAt && (p.trigger.to === undefined || p.trigger.to === change.toBand),
        );
        if (triggered.length === 0) continue;
        const people = change.target === 'account' ? await listAccountPeopleIds(tx, change.profileId) : [change.profileId];
        const cause = {
          trigger: 'health-band-changed',
          model: change.modelKey,
          from: change.fromBand,
          to: change.toBand,
          score: change.score,
          at: change.at.toISOString(),
          ...(change.target === 'account' ? { groupId: change.groupId } : { userId: change.userId }),
        };
        for (const playbook of triggered) await enrollTriggered(tx, playbook, people, cause);
      }
      await advanceCursor(tx, healthBandCursor, last, changes.length);
      return changes.length;
    });
    read += batch;
    if (batch < batchSize) return read;
  }
}
