import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ticketPriorities } from '@strata/core';
import {
  findHelpDeskConnection,
  findQueue,
  findTicket,
  insertTicketSyncAttempt,
  workspaceScope,
  type HelpDeskProvider,
  type TicketSyncOutcome,
  type WorkspaceScope,
} from '@strata/storage';
import { enqueue, type Task } from '../../jobs/index.js';
import { helpDeskDefinitions, isHelpDeskProvider } from './help-desk-providers.js';

/** Attempts after errors worth retrying (graphile-worker's backoff spreads 10 over about 3.7 hours). */
export const syncAttempts = 10;
/** 429s honoured by waiting their Retry-After before the sync is given up. */
export const rateLimitedRetries = 20;

const payload = z.object({
  workspaceId: z.string(),
  ticketId: z.string(),
  update: z.object({
    priority: z.enum(ticketPriorities),
    group: z.string().optional(),
    /** A queue whose group in the ticket's help desk becomes `group` (a queue with none there sends none). */
    queue: z.string().optional(),
    tags: z.array(z.string()).optional(),
  }),
  /** 429s answered so far for this decision; each one re-queues the job after its Retry-After. */
  rateLimited: z.number().int().min(0).default(0),
});
export type SyncTicketPayload = z.input<typeof payload>;

/** One job per ticket: a newer decision replaces one still waiting. */
export const syncJobKey = (workspaceId: string, ticketId: string) => `sync-ticket:${workspaceId}:${ticketId}`;

/**
 * Writes a ticket's decision to the help desk it came from, and records every attempt on the
 * ticket. A 429 waits its Retry-After (the job is queued again to run then, since graphile-worker's
 * own backoff ignores it); a 5xx or no answer retries with the job runtime's backoff; a mistake
 * another attempt would repeat (401, 404, 422) fails at once.
 */
export const syncTicketTask: Task<z.output<typeof payload>> = {
  name: 'sync-ticket',
  payload,
  maxAttempts: syncAttempts,
  async run(job, { db, now, services, attempt, lastAttempt }) {
    const scope = workspaceScope(db, job.workspaceId, now);
    const ticket = await findTicket(scope, { ticketId: job.ticketId });
    // A ticket deleted (its person erased) or not from a help desk has nowhere to go.
    if (!ticket || !isHelpDeskProvider(ticket.source) || ticket.external_id === null) return;
    const provider = ticket.source;
    const group = job.update.group ?? (job.update.queue === undefined ? undefined : await queueGroup(scope, job.update.queue, provider));
    const update = {
      externalTicketId: ticket.external_id,
      priority: job.update.priority,
      ...(group === undefined ? {} : { group }),
      // Freshdesk replaces the whole list: send the tags the ticket has and the decision's.
      ...(job.update.tags === undefined
        ? {}
        : { tags: provider === 'freshdesk' ? [...new Set([...ticket.tags, ...job.update.tags])] : job.update.tags }),
    };
    const record = (outcome: TicketSyncOutcome, httpStatus: number | null, error: string | null) =>
      insertTicketSyncAttempt(scope, {
        id: randomUUID(),
        ticketId: ticket.ticket_id,
        provider,
        externalTicketId: update.externalTicketId,
        request: { priority: update.priority, group: update.group ?? null, tags: update.tags ?? [] },
        outcome,
        httpStatus,
        error,
        attempt: attempt + job.rateLimited,
        attemptedAt: scope.clock(),
      });

    const connection = await findHelpDeskConnection(scope, provider);
    if (!connection)
      return record('failed', null, `${provider} is not connected for sync: PUT /api/v1/integrations/${provider}/sync first`);
    if (!services.secrets) throw new Error('STRATA_SECRET_KEY is not configured: help-desk credentials cannot be opened');
    if (!services.send) throw new Error('this process was started without outbound requests: help-desk sync needs them');
    const definition = helpDeskDefinitions[provider];
    const credentials = JSON.parse(services.secrets.open(Buffer.from(connection.credentialsCiphertext, 'base64'))) as Record<
      string,
      unknown
    >;
    const result = await definition.sync(services.send, connection.baseUrl, credentials, update, scope.clock());
    if (result.ok) return record('synced', result.status, null);
    const wait = result.retryAfterSeconds;
    const rateLimited = wait !== undefined;
    if (rateLimited && job.rateLimited < rateLimitedRetries) {
      await record('retrying', result.status, result.error);
      return requeueAfter(scope, job, wait);
    }
    // A help desk that kept answering 429 for rateLimitedRetries waits is given up on too.
    const final = result.permanent || lastAttempt || rateLimited;
    await record(final ? 'failed' : 'retrying', result.status, result.error);
    if (!final) throw new Error(`ticket ${ticket.ticket_id} sync to ${provider}: ${result.error}`);
  },
};

/** The queue's group in this help desk, read when the job runs so an edited queue's new group is used. */
async function queueGroup(scope: WorkspaceScope, queueKey: string, provider: HelpDeskProvider): Promise<string | undefined> {
  const queue = await findQueue(scope, queueKey);
  return queue?.helpDeskGroups[provider];
}

async function requeueAfter(scope: WorkspaceScope, job: z.output<typeof payload>, seconds: number): Promise<void> {
  const runAt = new Date(scope.clock().getTime() + seconds * 1000);
  await enqueue(
    scope.db,
    syncTicketTask,
    { ...job, rateLimited: job.rateLimited + 1 },
    { runAt, key: syncJobKey(job.workspaceId, job.ticketId) },
  );
}
