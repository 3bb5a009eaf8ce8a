import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A call to action on an in-app message. */
export interface InAppCta {
  label: string;
  url: string;
}

/** A message an in-app step left for a person, as the product reads it. */
export interface InAppMessage {
  id: string;
  playbook: string;
  title: string;
  body: string;
  cta: InAppCta | null;
  status: 'pending' | 'seen' | 'dismissed';
  createdAt: Date;
  expiresAt: Date;
  seenAt: Date | null;
}

/**
 * Stores a run's in-app message once: the run and the step's path are its key, so a step that
 * runs again after a crash stores nothing more. Answers whether it was stored now.
 */
export async function insertInAppMessage(
  scope: WorkspaceScope,
  message: {
    personId: string;
    enrolmentId: string;
    stepPath: string;
    playbookKey: string;
    title: string;
    body: string;
    cta: InAppCta | null;
    expiresAt: Date;
  },
): Promise<boolean> {
  const row = await scope.db
    .insertInto('in_app_messages')
    .values({
      workspace_id: scope.workspaceId,
      person_id: message.personId,
      enrolment_id: message.enrolmentId,
      step_path: message.stepPath,
      playbook_key: message.playbookKey,
      title: message.title,
      body: message.body,
      cta: message.cta === null ? null : JSON.stringify(message.cta),
      created_at: scope.clock(),
      expires_at: message.expiresAt,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'enrolment_id', 'step_path']).doNothing())
    .returning('message_id')
    .executeTakeFirst();
  return row !== undefined;
}

const columns = ['message_id', 'playbook_key', 'title', 'body', 'cta', 'status', 'created_at', 'expires_at', 'seen_at'] as const;

/** A person's messages to show: not dismissed and not expired, oldest first. */
export async function listPendingInAppMessages(scope: WorkspaceScope, personId: string): Promise<InAppMessage[]> {
  const rows = await scope.db
    .selectFrom('in_app_messages')
    .select(columns)
    .where('workspace_id', '=', scope.workspaceId)
    .where('person_id', '=', personId)
    .where('status', '!=', 'dismissed')
    .where('expires_at', '>', scope.clock())
    .orderBy('message_id')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: String(r.message_id),
    playbook: r.playbook_key,
    title: r.title,
    body: r.body,
    cta: r.cta,
    status: r.status,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    seenAt: r.seen_at,
  }));
}

/**
 * Marks one of a person's messages seen or dismissed (dismissed stays dismissed); false when the
 * person has no such message, whoever else does.
 */
export async function markInAppMessage(
  scope: WorkspaceScope,
  personId: string,
  messageId: string,
  mark: 'seen' | 'dismissed',
): Promise<boolean> {
  if (!/^\d{1,18}$/.test(messageId)) return false;
  const now = scope.clock();
  const result = await scope.db
    .updateTable('in_app_messages')
    .set(
      mark === 'dismissed'
        ? { status: 'dismissed', dismissed_at: now, seen_at: sql`coalesce(seen_at, ${now})` }
        : { status: sql`CASE WHEN status = 'dismissed' THEN status ELSE 'seen' END`, seen_at: sql`coalesce(seen_at, ${now})` },
    )
    .where('workspace_id', '=', scope.workspaceId)
    .where('person_id', '=', personId)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
