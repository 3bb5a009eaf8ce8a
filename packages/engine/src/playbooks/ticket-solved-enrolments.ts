import {
  advanceCursor,
  inWorkspaceTransaction,
  listPlaybooks,
  lockCursor,
  readTicketSolutionsAfter,
  type WorkspaceScope,
} from '@strata/storage';
import { enrollTriggered, playbooksOn } from './trigger-enrolment.js';

/** The cursor's name in `change_cursors`: never rename it. */
export const ticketSolvedCursor = 'playbook-ticket-solutions';
const batchSize = 500;

/**
 * Enrolls each solved ticket's requester (a CSAT follow-up), reading the tickets solved after
 * this reader's cursor. The cause carries the ticket's ids and subject for templates and
 * webhooks. A ticket without a requester enrolls nobody. Answers the solutions read.
 */
export async function enrollFromSolvedTickets(scope: WorkspaceScope): Promise<number> {
  let read = 0;
  for (;;) {
    const batch = await inWorkspaceTransaction(scope, async (tx) => {
      const cursor = await lockCursor(tx, ticketSolvedCursor);
      if (!cursor) return 0;
      const solutions = await readTicketSolutionsAfter(tx, cursor, batchSize);
      const last = solutions[solutions.length - 1];
      if (!last) return 0;
      const playbooks = playbooksOn(await listPlaybooks(tx), 'ticket-solved');
      for (const solution of solutions) {
        if (solution.personId === null) continue;
        const cause = {
          trigger: 'ticket-solved',
          ticketId: solution.ticketId,
          externalId: solution.externalId,
          subject: solution.subject,
          at: solution.at.toISOString(),
        };
        for (const playbook of playbooks)
          if (solution.at >= playbook.createdAt) await enrollTriggered(tx, playbook, [solution.personId], cause);
      }
      await advanceCursor(tx, ticketSolvedCursor, last, solutions.length);
      return solutions.length;
    });
    read += batch;
    if (batch < batchSize) return read;
  }
}
