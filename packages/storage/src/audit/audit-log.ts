import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';
import { redactSecrets } from './redact-secrets.js';

/** Who made a change, as stored: a user, an API key, the CLI on the server, or Strata itself. */
export interface AuditActor {
  kind: 'user' | 'key' | 'cli' | 'system';
  /** The user's or key's id; the operating-system user for the CLI. */
  id: string | null;
  /** A name to recognise the actor by: the user's email, the key's name. */
  label: string | null;
}

/**
 * One change as the audit log records it. `kind` is `<thing>.<what happened>` such as
 * `segment.created` or `key.revoked`; `subject` names the thing (a segment key, a key id), never
 * a person: person entries carry a keyed hash instead.
 */
export interface AuditChange {
  actor: AuditActor;
  /** The client's address; null for the CLI and background work. */
  address: string | null;
  kind: string;
  subject: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditEntry extends AuditChange {
  id: string;
  at: Date;
  before: unknown;
  after: unknown;
}

/**
 * Records a change in the caller's transaction (pass the transaction's scope), so the entry
 * commits exactly when the change does. Secrets in before/after are redacted here.
 */
export async function recordAudit(scope: WorkspaceScope, change: AuditChange): Promise<void> {
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(redactSecrets(value)));
  await scope.db
    .insertInto('audit_log')
    .values({
      workspace_id: scope.workspaceId,
      at: scope.clock(),
      actor_kind: change.actor.kind,
      actor_id: change.actor.id,
      actor_label: change.actor.label,
      address: change.address,
      kind: change.kind,
      subject: change.subject,
      before: json(change.before),
      after: json(change.after),
    })
    .execute();
}

export interface AuditFilter {
  /** Entries at or after this time. */
  from?: Date | undefined;
  /** An actor's id or label (a key id, a user's email). */
  actor?: string | undefined;
  /** A kind (`segment.created`) or every kind of a thing (`segment`). */
  kind?: string | undefined;
  /** The id of the last entry of the previous page: entries older than it. */
  before?: string | undefined;
  limit: number;
}

/** A workspace's audit entries, newest first. */
export async function listAuditEntries(scope: WorkspaceScope, filter: AuditFilter): Promise<AuditEntry[]> {
  let query = scope.db.selectFrom('audit_log').selectAll().where('workspace_id', '=', scope.workspaceId);
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.actor !== undefined) {
    const actor = filter.actor;
    query = query.where((eb) => eb.or([eb('actor_id', '=', actor), eb('actor_label', '=', actor)]));
  }
  if (filter.kind !== undefined) {
    const kind = filter.kind;
    query = kind.includes('.')
      ? query.where('kind', '=', kind)
      : query.where((eb) => eb.or([eb('kind', '=', kind), eb(sql`left(kind, ${kind.length + 1})`, '=', `${kind}.`)]));
  }
  if (filter.before !== undefined) query = query.where('audit_id', '<', filter.before);
  const rows = await query.orderBy('audit_id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => ({
    id: String(r.audit_id),
    at: r.at,
    actor: { kind: r.actor_kind, id: r.actor_id, label: r.actor_label },
    address: r.address,
    kind: r.kind,
    subject: r.subject,
    before: r.before,
    after: r.after,
  }));
}
