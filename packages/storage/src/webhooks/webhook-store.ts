import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { forEachWorkspace, type WorkspaceScope } from '../workspace-scope.js';

export type MembershipEvent = 'segment.entered' | 'segment.exited';
/** What support policies announce: a ticket's new decision, an SLA target about to be missed, or missed. */
export type SupportEvent = 'ticket.decided' | 'sla.warning' | 'sla.breached';
export type WebhookEvent = MembershipEvent | SupportEvent;

/** A membership webhook: where to post which changes; the secret stays encrypted here. */
export interface WebhookRecord {
  key: string;
  url: string;
  events: WebhookEvent[];
  /** Only changes of these segments; null for every segment. */
  segments: string[] | null;
  secretCiphertext: string;
  createdAt: Date;
  updatedAt: Date;
}

function toWebhook(r: Selectable<Database['webhooks']>): WebhookRecord {
  return {
    key: r.webhook_key,
    url: r.url,
    events: r.events as WebhookEvent[],
    segments: r.segments,
    secretCiphertext: r.secret_ciphertext,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Creates or replaces a webhook; answers whether it was new. */
export async function upsertWebhook(
  scope: WorkspaceScope,
  webhook: Omit<WebhookRecord, 'createdAt' | 'updatedAt'>,
): Promise<{ webhook: WebhookRecord; created: boolean }> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  const row = await sql<Selectable<Database['webhooks']> & { inserted: boolean }>`
    INSERT INTO webhooks (workspace_id, webhook_key, url, events, segments, secret_ciphertext, created_at, updated_at)
    VALUES (${workspaceId}, ${webhook.key}, ${webhook.url}, ${webhook.events}::text[], ${webhook.segments}::text[],
      ${webhook.secretCiphertext}, ${now}, ${now})
    ON CONFLICT (workspace_id, webhook_key) DO UPDATE SET url = excluded.url, events = excluded.events,
      segments = excluded.segments, secret_ciphertext = excluded.secret_ciphertext, updated_at = excluded.updated_at
    RETURNING *, (xmax = 0) AS inserted`.execute(db);
  const r = row.rows[0]!;
  return { webhook: toWebhook(r), created: r.inserted };
}

export async function findWebhook(scope: WorkspaceScope, key: string): Promise<WebhookRecord | undefined> {
  const { db, workspaceId } = scope;
  const row = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('webhook_key', '=', key)
    .executeTakeFirst();
  return row ? toWebhook(row) : undefined;
}

export async function listWebhooks(scope: WorkspaceScope): Promise<WebhookRecord[]> {
  const { db, workspaceId } = scope;
  const rows = await db.selectFrom('webhooks').selectAll().where('workspace_id', '=', workspaceId).orderBy('webhook_key').execute();
  return rows.map(toWebhook);
}

/** Deletes a webhook and its messages; pending deliveries then find nothing and stop. */
export async function deleteWebhook(scope: WorkspaceScope, key: string): Promise<boolean> {
  const { db, workspaceId } = scope;
  const result = await db.deleteFrom('webhooks').where('workspace_id', '=', workspaceId).where('webhook_key', '=', key).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export type WebhookMessageStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookMessage {
  id: string;
  /** Null for a playbook step's message: it goes to `playbookStep`'s URL. */
  webhookKey: string | null;
  /** A playbook `webhook` step's message: where it goes, the sealed secret, and the run and step it belongs to. */
  playbookStep: { url: string; secretCiphertext: string; enrolmentId: string; stepPath: string } | null;
  /** The membership change it announces; null for a support event. */
  changeId: number | null;
  event: WebhookEvent | 'playbook.step';
  payload: Record<string, unknown>;
  status: WebhookMessageStatus;
  attempts: number;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

function toMessage(r: Selectable<Database['webhook_messages']>): WebhookMessage {
  return {
    id: r.message_id,
    webhookKey: r.webhook_key,
    playbookStep:
      r.enrolment_id !== null
        ? { url: r.url!, secretCiphertext: r.secret_ciphertext!, enrolmentId: String(r.enrolment_id), stepPath: r.step_path! }
        : null,
    changeId: r.change_id === null ? null : Number(r.change_id),
    event: r.event as WebhookMessage['event'],
    payload: r.payload as Record<string, unknown>,
    status: r.status,
    attempts: r.attempts,
    lastAttemptAt: r.last_attempt_at,
    nextAttemptAt: r.next_attempt_at,
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  };
}

/**
 * Adds the messages for changes in the caller's transaction. One message per webhook and change
 * (its unique key is the idempotency key): a change handled twice adds nothing the second time.
 * Answers the ids of the messages this call added.
 */
export async function insertWebhookMessages(
  scope: WorkspaceScope,
  messages: ReadonlyArray<{ id: string; webhookKey: string; changeId: number; event: MembershipEvent; payload: unknown }>,
): Promise<string[]> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  if (messages.length === 0) return [];
  const rows = await sql<{ message_id: string }>`
    INSERT INTO webhook_messages (workspace_id, message_id, webhook_key, change_id, event, payload, created_at, next_attempt_at)
    SELECT ${workspaceId}::uuid, x.id, x.webhook_key, x.change_id, x.event, x.payload, ${now}::timestamptz, ${now}::timestamptz
    FROM unnest(${messages.map((m) => m.id)}::text[], ${messages.map((m) => m.webhookKey)}::text[],
      ${messages.map((m) => m.changeId)}::bigint[], ${messages.map((m) => m.event)}::text[],
      ${messages.map((m) => JSON.stringify(m.payload))}::jsonb[]) AS x(id, webhook_key, change_id, event, payload)
    ON CONFLICT (workspace_id, webhook_key, change_id) DO NOTHING
    RETURNING message_id`.execute(db);
  return rows.rows.map((r) => r.message_id);
}

/** Messages announcing support events, like `insertWebhookMessages`: one per webhook and event, a repeat adds nothing. */
export async function insertSupportEventMessages(
  scope: WorkspaceScope,
  messages: ReadonlyArray<{ id: string; webhookKey: string; supportEventId: number; event: SupportEvent; payload: unknown }>,
): Promise<string[]> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  if (messages.length === 0) return [];
  const rows = await sql<{ message_id: string }>`
    INSERT INTO webhook_messages (workspace_id, message_id, webhook_key, support_event_id, event, payload, created_at, next_attempt_at)
    SELECT ${workspaceId}::uuid, x.id, x.webhook_key, x.event_id, x.event, x.payload, ${now}::timestamptz, ${now}::timestamptz
    FROM unnest(${messages.map((m) => m.id)}::text[], ${messages.map((m) => m.webhookKey)}::text[],
      ${messages.map((m) => m.supportEventId)}::bigint[], ${messages.map((m) => m.event)}::text[],
      ${messages.map((m) => JSON.stringify(m.payload))}::jsonb[]) AS x(id, webhook_key, event_id, event, payload)
    ON CONFLICT (workspace_id, webhook_key, support_event_id) DO NOTHING
    RETURNING message_id`.execute(db);
  return rows.rows.map((r) => r.message_id);
}

/**
 * Adds a playbook `webhook` step's message in the step's transaction; its (run, step) is unique, so
 * a step run again adds nothing. Answers whether it was added.
 */
export async function insertPlaybookStepMessage(
  scope: WorkspaceScope,
  message: { id: string; url: string; secretCiphertext: string; enrolmentId: string; stepPath: string; payload: unknown },
): Promise<boolean> {
  const now = scope.clock();
  const row = await scope.db
    .insertInto('webhook_messages')
    .values({
      workspace_id: scope.workspaceId,
      message_id: message.id,
      url: message.url,
      secret_ciphertext: message.secretCiphertext,
      enrolment_id: message.enrolmentId,
      step_path: message.stepPath,
      event: 'playbook.step',
      payload: JSON.stringify(message.payload),
      created_at: now,
      next_attempt_at: now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'enrolment_id', 'step_path']).doNothing())
    .returning('message_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** A playbook step's webhook message, by run and step. */
export async function findPlaybookStepMessage(
  scope: WorkspaceScope,
  enrolmentId: string,
  stepPath: string,
): Promise<WebhookMessage | undefined> {
  const row = await scope.db
    .selectFrom('webhook_messages')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('enrolment_id', '=', enrolmentId)
    .where('step_path', '=', stepPath)
    .executeTakeFirst();
  return row ? toMessage(row) : undefined;
}

export async function findWebhookMessage(scope: WorkspaceScope, id: string): Promise<WebhookMessage | undefined> {
  const { db, workspaceId } = scope;
  const row = await db
    .selectFrom('webhook_messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', id)
    .executeTakeFirst();
  return row ? toMessage(row) : undefined;
}

/** A webhook's messages, newest first, optionally of one status; `before` pages by message id. */
export async function listWebhookMessages(
  scope: WorkspaceScope,
  key: string,
  page: { limit: number; status?: WebhookMessageStatus | undefined; before?: { createdAt: Date; id: string } | undefined },
): Promise<WebhookMessage[]> {
  const { db, workspaceId } = scope;
  let query = db.selectFrom('webhook_messages').selectAll().where('workspace_id', '=', workspaceId).where('webhook_key', '=', key);
  if (page.status) query = query.where('status', '=', page.status);
  if (page.before) {
    const before = page.before;
    query = query.where(sql<boolean>`(created_at, message_id) < (${before.createdAt}, ${before.id})`);
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('message_id', 'desc').limit(page.limit).execute();
  return rows.map(toMessage);
}

/** Records one delivery attempt's outcome. */
export async function recordWebhookAttempt(
  scope: WorkspaceScope,
  id: string,
  outcome: { status: WebhookMessageStatus; httpStatus: number | null; error: string | null; at: Date; nextAttemptAt: Date | null },
): Promise<void> {
  const { db, workspaceId } = scope;
  await db
    .updateTable('webhook_messages')
    .set((eb) => ({
      status: outcome.status,
      attempts: eb('attempts', '+', 1),
      last_attempt_at: outcome.at,
      next_attempt_at: outcome.nextAttemptAt,
      last_status: outcome.httpStatus,
      last_error: outcome.error,
      ...(outcome.status === 'delivered' ? { delivered_at: outcome.at } : {}),
    }))
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', id)
    .execute();
}

/** Puts a message back to pending for a manual retry. */
export async function requeueWebhookMessage(scope: WorkspaceScope, id: string): Promise<void> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  await db
    .updateTable('webhook_messages')
    .set({ status: 'pending', next_attempt_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', id)
    .execute();
}

/** Deletes delivered messages older than a cutoff, workspace by workspace; answers how many. */
export async function pruneWebhookMessages(db: Kysely<Database>, deliveredBefore: Date): Promise<number> {
  const each = await forEachWorkspace(
    db,
    () => deliveredBefore,
    async (scope) =>
      Number(
        (
          await scope.db
            .deleteFrom('webhook_messages')
            .where('workspace_id', '=', scope.workspaceId)
            .where('status', '=', 'delivered')
            .where('delivered_at', '<', deliveredBefore)
            .executeTakeFirst()
        ).numDeletedRows,
      ),
  );
  return each.reduce((n, d) => n + d, 0);
}
