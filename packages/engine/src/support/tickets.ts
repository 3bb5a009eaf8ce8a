import { v7 as uuidv7 } from 'uuid';
import { mergeTicketTopics, type TicketChannel, type TicketDecision, type TicketPriority, type TicketStatus } from '@strata/core';
import {
  claimWebhookDelivery,
  enqueueSegmentWork,
  findCurrentDecisions,
  listAssignments,
  findExternalIdsOf,
  findTicket,
  insertTicket,
  insertTicketMessage,
  listTicketMessages,
  lockTicket,
  updateTicket,
  type TicketMessageRow,
  type TicketRef,
  type TicketRow,
} from '@strata/storage';
import { WorkCollector } from '../segments/index.js';
import { withTransactionRetry } from '../ingestion/index.js';
import { decideTickets } from '../support-policies/index.js';
import { loadBusinessHours } from './business-hours-setting.js';
import { resolveRequester, type Requester, type RequesterIds } from './requesters.js';
import { deriveTicket, statusTransition } from './ticket-derivation.js';
import { analyseTicketText } from './text/analyse-ticket-text.js';
import { inWorkspaceTransaction, type WorkspaceScope } from '@strata/storage';

/** A ticket's fields as a caller sets them; absent fields are left as they are. */
export interface TicketFields {
  subject?: string | null | undefined;
  description?: string | null | undefined;
  priority?: TicketPriority | undefined;
  status?: TicketStatus | undefined;
  channel?: TicketChannel | undefined;
  tags?: string[] | undefined;
  group?: string | null | undefined;
  assignee?: string | null | undefined;
  createdAt?: Date | undefined;
  /** When the help desk says the first agent response was; otherwise derived from messages. */
  firstResponseAt?: Date | null | undefined;
  csat?: { score: number; comment?: string | null | undefined } | null | undefined;
}

export interface TicketMessageInput {
  externalId?: string | undefined;
  author: 'customer' | 'agent';
  public?: boolean | undefined;
  body: string;
  createdAt?: Date | undefined;
}

/** One change to a ticket, from the API or a help desk's webhook. */
export interface TicketWrite extends TicketFields {
  /** A built-in `TicketSource`, or the key of a help desk connected by webhook (`freshservice`). */
  source: string;
  externalId?: string | undefined;
  requester?: Requester | undefined;
  /** The sender's time of this state: fields older than what is stored are ignored. */
  updatedAt?: Date | undefined;
  messages?: TicketMessageInput[] | undefined;
  /** A webhook's event id: a delivery seen before changes nothing. */
  delivery?: { provider: string; eventId: string } | undefined;
  /** Checks the requester against erased people (SecretBox.suppressionKey): a suppressed one is not created again. */
  suppressionKey?: Buffer | undefined;
}

export interface TicketMessageView {
  id: string;
  externalId: string | null;
  author: 'customer' | 'agent';
  public: boolean;
  body: string;
  createdAt: Date;
  sentiment: { label: string; score: number } | null;
  /** The agent's label when one corrected this message's sentiment. */
  sentimentCorrection: string | null;
  language: string | null;
  languageConfidence: number | null;
  languageSource: string | null;
  languageSupported: boolean;
}

export interface TicketView {
  id: string;
  externalId: string | null;
  source: string;
  userId: string | null;
  groupId: string | null;
  subject: string | null;
  description: string | null;
  priority: string | null;
  status: string | null;
  channel: string | null;
  tags: string[];
  group: string | null;
  assignee: string | null;
  open: boolean;
  createdAt: Date;
  updatedAt: Date;
  firstResponseAt: Date | null;
  solvedAt: Date | null;
  reopenCount: number;
  csat: { score: number; comment: string | null } | null;
  sentiment: { label: string; score: number } | null;
  worstSentiment: { label: string; score: number } | null;
  language: string | null;
  topic: string | null;
  topics: string[];
  firstResponseMinutes: number | null;
  firstResponseBusinessMinutes: number | null;
  resolutionMinutes: number | null;
  resolutionBusinessMinutes: number | null;
  messages: TicketMessageView[];
  /** What the support policies decided for it now; null before its first decision. */
  policy: (Omit<TicketDecision, 'assignee'> & { assignee: string | null; decidedAt: Date }) | null;
}

export type TicketOutcome =
  | { kind: 'stored'; ticket: TicketView; created: boolean; applied: boolean }
  | { kind: 'duplicate-delivery'; ticket: TicketView | undefined }
  | { kind: 'not-found' };

/** Creates a ticket or, when one with the same source and external id exists, updates it. */
export async function writeTicket(scope: WorkspaceScope, write: TicketWrite): Promise<TicketOutcome> {
  const ref = write.externalId !== undefined ? { externalId: write.externalId, source: write.source } : undefined;
  return applyTicketWrite(scope, ref, write, true);
}

/** Changes an existing ticket (by id or external id); not-found when there is none. */
export async function changeTicket(
  scope: WorkspaceScope,
  ref: TicketRef,
  change: Omit<TicketWrite, 'source' | 'externalId'>,
): Promise<TicketOutcome> {
  return applyTicketWrite(scope, ref, { ...change, source: 'api' }, false);
}

export async function readTicket(scope: WorkspaceScope, ref: TicketRef): Promise<TicketView | undefined> {
  const row = await findTicket(scope, ref);
  return row ? viewOf(scope, row) : undefined;
}

async function applyTicketWrite(
  scope: WorkspaceScope,
  ref: TicketRef | undefined,
  write: TicketWrite,
  mayCreate: boolean,
): Promise<TicketOutcome> {
  const now = scope.clock();
  // Finding the requester may create them (ordinary ingestion, in its own transaction), so a
  // change to a ticket this workspace does not have is refused before that: a refused request
  // stores nothing. The ticket is locked and checked again in the transaction below.
  if (ref && !mayCreate && !(await findTicket(scope, ref))) return { kind: 'not-found' };
  // Outside the transaction: finding or creating the requester (its own ingestion), the
  // workspace's hours, and the text analysis, which is CPU work that should hold no locks.
  const requester = write.requester ? await resolveRequester(scope, write.source, write.requester, write.suppressionKey) : undefined;
  const hours = await loadBusinessHours(scope);
  const messages = [
    ...(write.description
      ? [{ externalId: 'description', author: 'customer' as const, public: true, body: write.description, createdAt: write.createdAt }]
      : []),
    ...(write.messages ?? []),
  ];
  const text = await analyseTicketText(scope, { subject: write.subject, messages, requester });
  const incoming = messages.map((m, i) => ({ ...m, signals: text.signals[i] }));

  const outcome = await withTransactionRetry(() =>
    inWorkspaceTransaction(
      scope,
      async (
        tx,
      ): Promise<TicketOutcome | { kind: 'row'; row: TicketRow; messages: TicketMessageRow[]; created: boolean; applied: boolean }> => {
        if (write.delivery && !(await claimWebhookDelivery(tx, write.delivery.provider, write.delivery.eventId)))
          return { kind: 'duplicate-delivery', ticket: undefined };
        const existing = ref ? await lockTicket(tx, ref) : undefined;
        if (!existing && !mayCreate) return { kind: 'not-found' };
        const work = new WorkCollector();
        const at = write.updatedAt ?? now;

        let base: TicketRow;
        let update: Partial<TicketRow> = {};
        let applied = true;
        if (!existing) {
          const createdAt = write.createdAt ?? now;
          const status = statusTransition({ status: null, solved_at: null, reopen_count: 0 }, write.status ?? 'new', at);
          base = await insertTicket(tx, {
            ticket_id: uuidv7(),
            source: write.source,
            external_id: write.externalId ?? null,
            person_id: requester?.personId ?? null,
            account_id: requester?.accountId ?? null,
            subject: write.subject ?? null,
            description: write.description ?? null,
            priority: write.priority ?? 'normal',
            channel: write.channel ?? 'web',
            tags: write.tags ?? [],
            group_name: write.group ?? null,
            assignee: write.assignee ?? null,
            csat: write.csat?.score ?? null,
            csat_comment: write.csat?.comment ?? null,
            created_at: createdAt,
            source_updated_at: write.updatedAt ?? null,
            ...status,
          });
        } else {
          base = existing;
          // Providers do not promise order: an update older than the stored state only adds messages.
          applied = !(write.updatedAt && existing.source_updated_at && write.updatedAt.getTime() <= existing.source_updated_at.getTime());
          if (applied) update = fieldChanges(existing, write, requester, at);
        }
        // The ticket as it will be once this write is applied; derived fields follow from it.
        const current: TicketRow = { ...base, ...update };
        // A ticket moved to another requester leaves the previous one's counts too.
        if (existing?.person_id && existing.person_id !== current.person_id)
          work.add('person', existing.person_id, ['tickets'], { kind: 'support' });
        if (existing?.account_id && existing.account_id !== current.account_id)
          work.add('account', existing.account_id, ['tickets'], { kind: 'support' });

        for (const message of incoming) {
          if (current.description === null && message.externalId === 'description') continue;
          await insertTicketMessage(tx, {
            ticket_id: current.ticket_id,
            message_id: uuidv7(),
            external_id: message.externalId ?? uuidv7(),
            author: message.author,
            public: message.public ?? true,
            body: message.body,
            sentiment: message.signals?.sentiment?.score ?? null,
            sentiment_label: message.signals?.sentiment?.label ?? null,
            language: message.signals?.language ?? null,
            language_confidence: message.signals?.languageConfidence ?? null,
            language_source: message.signals?.languageSource ?? null,
            language_supported: message.signals?.languageSupported ?? true,
            created_at: message.createdAt ?? now,
          });
        }
        const stored = await listTicketMessages(tx, current.ticket_id);
        const firstResponseFromDesk = applied && write.firstResponseAt !== undefined ? write.firstResponseAt : null;
        // One write of the row: the changed fields and everything derived from them and the messages.
        const topics = mergeTicketTopics(current.topics, text.topics, current.tags, text.topicRules);
        const row = await updateTicket(tx, current.ticket_id, {
          ...update,
          ...deriveTicket(current, stored, hours, firstResponseFromDesk),
          topics,
          topic: topics[0] ?? null,
        });

        if (row.person_id) work.add('person', row.person_id, ['tickets'], { kind: 'support' });
        if (row.account_id) work.add('account', row.account_id, ['tickets'], { kind: 'support' });
        await enqueueSegmentWork(tx, work.work());
        // Decided with the write, so a ticket is never seen without its decision.
        await decideTickets(tx, { ids: [row.ticket_id] }, existing ? 'ticket-updated' : 'ticket-created');
        return { kind: 'row', row, messages: stored, created: !existing, applied };
      },
    ),
  );
  if (outcome.kind === 'duplicate-delivery') return { kind: 'duplicate-delivery', ticket: ref ? await readTicket(scope, ref) : undefined };
  if (outcome.kind !== 'row') return outcome;
  const ticket = await viewOf(scope, outcome.row, outcome.messages);
  return { kind: 'stored', ticket, created: outcome.created, applied: outcome.applied };
}

/** The fields a write changes on a stored ticket, its status transition included. */
function fieldChanges(existing: TicketRow, write: TicketWrite, requester: RequesterIds | undefined, at: Date): Partial<TicketRow> {
  const update: Partial<TicketRow> = {};
  if (requester?.personId) update.person_id = requester.personId;
  if (requester?.accountId) update.account_id = requester.accountId;
  if (write.subject !== undefined) update.subject = write.subject;
  if (write.description !== undefined && existing.description === null) update.description = write.description;
  if (write.priority !== undefined) update.priority = write.priority;
  if (write.channel !== undefined) update.channel = write.channel;
  if (write.tags !== undefined) update.tags = write.tags;
  if (write.group !== undefined) update.group_name = write.group;
  if (write.assignee !== undefined) update.assignee = write.assignee;
  if (write.createdAt !== undefined) update.created_at = write.createdAt;
  if (write.csat !== undefined) {
    update.csat = write.csat?.score ?? null;
    update.csat_comment = write.csat?.comment ?? null;
  }
  if (write.status !== undefined && write.status !== existing.status) Object.assign(update, statusTransition(existing, write.status, at));
  if (write.updatedAt) update.source_updated_at = write.updatedAt;
  return update;
}

function sentimentOf(score: number | null, label: string | null): { label: string; score: number } | null {
  return score === null || label === null ? null : { label, score };
}

function messageView(m: TicketMessageRow): TicketMessageView {
  return {
    id: m.message_id,
    externalId: m.external_id,
    author: m.author,
    public: m.public,
    body: m.body,
    createdAt: m.created_at,
    sentiment: sentimentOf(m.sentiment, m.sentiment_label),
    sentimentCorrection: m.sentiment_correction,
    language: m.language,
    languageConfidence: m.language_confidence,
    languageSource: m.language_source,
    languageSupported: m.language_supported,
  };
}

async function viewOf(scope: WorkspaceScope, row: TicketRow, known?: TicketMessageRow[]): Promise<TicketView> {
  const [ids, messages, decisions, assignments] = await Promise.all([
    findExternalIdsOf(scope, { personId: row.person_id, accountId: row.account_id }),
    known ?? listTicketMessages(scope, row.ticket_id),
    findCurrentDecisions(scope, [row.ticket_id]),
    listAssignments(scope, row.ticket_id),
  ]);
  const decision = decisions.get(row.ticket_id);
  // The agent the policy's queue gave the ticket (routing), once it has been routed there.
  const routed = assignments[0]?.queue === decision?.decision.queue ? (assignments[0]?.assignee ?? null) : null;
  return {
    id: row.ticket_id,
    externalId: row.external_id,
    source: row.source,
    userId: ids.userId,
    groupId: ids.groupId,
    subject: row.subject,
    description: row.description,
    priority: row.priority,
    status: row.status,
    channel: row.channel,
    tags: row.tags,
    group: row.group_name,
    assignee: row.assignee,
    open: row.is_open,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    firstResponseAt: row.first_response_at,
    solvedAt: row.solved_at,
    reopenCount: row.reopen_count,
    csat: row.csat === null ? null : { score: row.csat, comment: row.csat_comment },
    sentiment: sentimentOf(row.sentiment, row.sentiment_label),
    worstSentiment: sentimentOf(row.worst_sentiment, row.worst_sentiment_label),
    language: row.language,
    topic: row.topic,
    topics: row.topics,
    firstResponseMinutes: row.first_response_minutes,
    firstResponseBusinessMinutes: row.first_response_business_minutes,
    resolutionMinutes: row.resolution_minutes,
    resolutionBusinessMinutes: row.resolution_business_minutes,
    messages: messages.map(messageView),
    policy: decision ? { ...decision.decision, assignee: routed, decidedAt: decision.decidedAt } : null,
  };
}
