import { z } from 'zod';
import { countOpenTickets, inWorkspaceTransaction, recordRedecision, workspaceScope, type WorkspaceScope } from '@strata/storage';
import { enqueue, type Task } from '../jobs/index.js';
import { decideTickets } from './decide-tickets.js';

type Payload = { workspaceId: string; policyKey: string };

/** Open tickets decided per transaction. */
const pageSize = 500;

/**
 * After a support policy (or an SLA it uses) changed: every open ticket decided again, page by
 * page in id order, with cause `policy-changed:KEY` and its progress kept on the policy.
 */
export const redecideOpenTicketsTask: Task<Payload> = {
  name: 'redecide-open-tickets',
  payload: z.object({ workspaceId: z.string(), policyKey: z.string() }).passthrough(),
  maxAttempts: 5,
  async run(payload, { db, now }) {
    await redecideOpenTickets(workspaceScope(db, payload.workspaceId, now), payload.policyKey);
  },
};

/** Re-decides every open ticket after a policy's change; exported for tests and the CLI. */
export async function redecideOpenTickets(scope: WorkspaceScope, policyKey: string): Promise<void> {
  const startedAt = scope.clock().toISOString();
  const total = await countOpenTickets(scope);
  let done = 0;
  let after: string | null = null;
  for (;;) {
    const run = await inWorkspaceTransaction(scope, async (tx) => {
      const page = await decideTickets(tx, { open: { after, limit: pageSize } }, `policy-changed:${policyKey}`);
      done += page.decided;
      await recordRedecision(tx, policyKey, { status: 'running', done, total: Math.max(total, done), startedAt, finishedAt: null });
      return page;
    });
    if (run.decided < pageSize || run.lastTicketId === null) break;
    after = run.lastTicketId;
  }
  await recordRedecision(scope, policyKey, {
    status: 'done',
    done,
    total: Math.max(total, done),
    startedAt,
    finishedAt: scope.clock().toISOString(),
  });
}

/** Queues the re-decision in the caller's transaction, so it runs once the policy's change commits; a pending one is replaced. */
export async function requestRedecision(tx: WorkspaceScope, policyKey: string): Promise<void> {
  await enqueue(
    tx.db,
    redecideOpenTicketsTask,
    { workspaceId: tx.workspaceId, policyKey },
    { key: `redecide-open-tickets:${tx.workspaceId}:${policyKey}` },
  );
}
