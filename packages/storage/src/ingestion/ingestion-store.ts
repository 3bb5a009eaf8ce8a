import { sql } from 'kysely';
import type { FieldSource, IdentityKind, TraitTimes } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';
import { mergeEventSummaries } from './event-summaries.js';

/** An identity key: how a message names a person. */
export interface IdentityKey {
  kind: IdentityKind;
  value: string;
}

/** A person's row as the ingester reads and writes it. */
export interface PersonState {
  personId: string;
  userId: string | null;
  traits: Record<string, unknown>;
  traitTimes: TraitTimes;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** Records messageIds; returns those not seen before in the workspace (the rest are replays). */
export async function claimMessageIds(scope: WorkspaceScope, messageIds: string[]): Promise<Set<string>> {
  const { db: tx, workspaceId } = scope;
  if (messageIds.length === 0) return new Set();
  const { rows } = await sql<{ message_id: string }>`
    INSERT INTO message_ids (workspace_id, message_id)
    SELECT ${workspaceId}::uuid, m FROM unnest(${messageIds}::text[]) AS m
    ON CONFLICT DO NOTHING
    RETURNING message_id`.execute(tx);
  return new Set(rows.map((r) => r.message_id));
}

/**
 * Serialises writers that touch the same identity keys, so two requests naming a new userId
 * create one person, not two. Locks are taken in sorted order so writers cannot deadlock.
 */
export async function lockIdentityKeys(scope: WorkspaceScope, keys: IdentityKey[]): Promise<void> {
  const { db: tx, workspaceId } = scope;
  if (keys.length === 0) return;
  const names = [...new Set(keys.map((k) => `${workspaceId}/${k.kind}/${k.value}`))];
  await sql`
    SELECT pg_advisory_xact_lock(h)
    FROM (SELECT DISTINCT hashtextextended(n, 0) AS h FROM unnest(${names}::text[]) AS n) AS keys
    ORDER BY h`.execute(tx);
}

/** Maps `kind/value` to person id for the keys that exist. */
export async function findIdentities(scope: WorkspaceScope, keys: IdentityKey[]): Promise<Map<string, string>> {
  const { db: tx, workspaceId } = scope;
  const found = new Map<string, string>();
  if (keys.length === 0) return found;
  const { rows } = await sql<{ kind: string; value: string; person_id: string }>`
    SELECT i.kind, i.value, i.person_id FROM identities i
    JOIN unnest(${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.value)}::text[]) AS k(kind, value)
      ON i.kind = k.kind AND i.value = k.value
    WHERE i.workspace_id = ${workspaceId}`.execute(tx);
  for (const row of rows) found.set(`${row.kind}/${row.value}`, row.person_id);
  return found;
}

/** Locks and loads people; a person merged away meanwhile is simply absent from the result. */
export async function lockPeople(scope: WorkspaceScope, personIds: string[]): Promise<Map<string, PersonState>> {
  const { db: tx, workspaceId } = scope;
  const people = new Map<string, PersonState>();
  if (personIds.length === 0) return people;
  const rows = await tx
    .selectFrom('people')
    .select(['person_id', 'user_id', 'traits', 'trait_times', 'first_seen_at', 'last_seen_at'])
    .where('workspace_id', '=', workspaceId)
    .where('person_id', 'in', [...new Set(personIds)].sort())
    .orderBy('person_id')
    .forUpdate()
    .execute();
  for (const r of rows) {
    people.set(r.person_id, {
      personId: r.person_id,
      userId: r.user_id,
      traits: r.traits,
      traitTimes: r.trait_times,
      firstSeenAt: r.first_seen_at,
      lastSeenAt: r.last_seen_at,
    });
  }
  return people;
}

/** Which of these people carry a userId identity (an identified person is never merged away by identify). */
export async function findIdentifiedPeople(scope: WorkspaceScope, personIds: string[]): Promise<Set<string>> {
  const { db: tx, workspaceId } = scope;
  if (personIds.length === 0) return new Set();
  const rows = await tx
    .selectFrom('identities')
    .select('person_id')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'user_id')
    .where('person_id', 'in', personIds)
    .execute();
  return new Set(rows.map((r) => r.person_id));
}

function personRows(people: PersonState[]): string {
  return JSON.stringify(
    people.map((p) => ({
      person_id: p.personId,
      user_id: p.userId,
      traits: p.traits,
      trait_times: p.traitTimes,
      first_seen_at: p.firstSeenAt.toISOString(),
      last_seen_at: p.lastSeenAt.toISOString(),
    })),
  );
}

/** Inserts people created by this request. */
export async function insertPeople(scope: WorkspaceScope, people: PersonState[]): Promise<void> {
  const { db: tx, workspaceId } = scope;
  if (people.length === 0) return;
  await sql`
    INSERT INTO people (workspace_id, person_id, user_id, traits, trait_times, first_seen_at, last_seen_at)
    SELECT ${workspaceId}::uuid, r.person_id, r.user_id, r.traits, r.trait_times, r.first_seen_at, r.last_seen_at
    FROM jsonb_to_recordset(${personRows(people)}::jsonb)
      AS r(person_id uuid, user_id text, traits jsonb, trait_times jsonb, first_seen_at timestamptz, last_seen_at timestamptz)`.execute(tx);
}

/** Writes stored people back as whole rows; the caller holds their row locks. */
export async function updatePeople(scope: WorkspaceScope, people: PersonState[]): Promise<void> {
  const { db: tx, workspaceId } = scope;
  if (people.length === 0) return;
  await sql`
    UPDATE people p SET user_id = r.user_id, traits = r.traits, trait_times = r.trait_times,
      first_seen_at = r.first_seen_at, last_seen_at = r.last_seen_at, updated_at = now()
    FROM jsonb_to_recordset(${personRows(people)}::jsonb)
      AS r(person_id uuid, user_id text, traits jsonb, trait_times jsonb, first_seen_at timestamptz, last_seen_at timestamptz)
    WHERE p.workspace_id = ${workspaceId} AND p.person_id = r.person_id`.execute(tx);
}

/** Adds identities; an email already claimed by someone else keeps its first owner. */
export async function insertIdentities(scope: WorkspaceScope, identities: Array<IdentityKey & { personId: string }>): Promise<void> {
  const { db: tx, workspaceId } = scope;
  if (identities.length === 0) return;
  const rows = identities.map((i) => ({ kind: i.kind, value: i.value, person_id: i.personId }));
  await sql`
    INSERT INTO identities (workspace_id, kind, value, person_id)
    SELECT ${workspaceId}::uuid, r.kind, r.value, r.person_id
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(kind text, value text, person_id uuid)
    ORDER BY 2, 3
    ON CONFLICT DO NOTHING`.execute(tx);
}

/**
 * Moves everything of person `fromId` to `intoId` and deletes `fromId`; both must be locked.
 * Traits are merged by the caller, who writes the survivor afterwards.
 */
export async function movePerson(scope: WorkspaceScope, fromId: string, intoId: string): Promise<void> {
  const { db: tx, workspaceId } = scope;
  await sql`UPDATE identities SET person_id = ${intoId} WHERE workspace_id = ${workspaceId} AND person_id = ${fromId}`.execute(tx);
  await sql`UPDATE events SET person_id = ${intoId} WHERE workspace_id = ${workspaceId} AND person_id = ${fromId}`.execute(tx);
  await mergeEventSummaries(scope, fromId, intoId);
  await sql`
    INSERT INTO person_accounts (workspace_id, person_id, account_id, traits, trait_times)
    SELECT workspace_id, ${intoId}, account_id, traits, trait_times FROM person_accounts
    WHERE workspace_id = ${workspaceId} AND person_id = ${fromId}
    ON CONFLICT DO NOTHING`.execute(tx);
  await sql`DELETE FROM people WHERE workspace_id = ${workspaceId} AND person_id = ${fromId}`.execute(tx);
  await sql`
    INSERT INTO person_merges (workspace_id, from_person_id, into_person_id) VALUES (${workspaceId}, ${fromId}, ${intoId})
    ON CONFLICT DO NOTHING`.execute(tx);
}

/** An account's row as the ingester reads and writes it. */
export interface AccountState {
  accountId: string;
  groupId: string;
  traits: Record<string, unknown>;
  traitTimes: TraitTimes;
}

/** Creates missing accounts, then locks and loads all of them, in a stable order. */
export async function lockAccounts(
  scope: WorkspaceScope,
  groups: Array<{ groupId: string; newId: string }>,
): Promise<Map<string, AccountState>> {
  const { db: tx, workspaceId } = scope;
  const accounts = new Map<string, AccountState>();
  if (groups.length === 0) return accounts;
  const sorted = [...groups].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  await sql`
    INSERT INTO accounts (workspace_id, account_id, group_id)
    SELECT ${workspaceId}::uuid, r.id, r.gid FROM unnest(${sorted.map((g) => g.newId)}::uuid[], ${sorted.map((g) => g.groupId)}::text[]) AS r(id, gid)
    ON CONFLICT (workspace_id, group_id) DO NOTHING`.execute(tx);
  const rows = await tx
    .selectFrom('accounts')
    .select(['account_id', 'group_id', 'traits', 'trait_times'])
    .where('workspace_id', '=', workspaceId)
    .where(
      'group_id',
      'in',
      sorted.map((g) => g.groupId),
    )
    .orderBy('group_id')
    .forUpdate()
    .execute();
  for (const r of rows)
    accounts.set(r.group_id, { accountId: r.account_id, groupId: r.group_id, traits: r.traits, traitTimes: r.trait_times });
  return accounts;
}

export async function updateAccounts(scope: WorkspaceScope, accounts: AccountState[]): Promise<void> {
  const { db: tx, workspaceId } = scope;
  if (accounts.length === 0) return;
  const rows = accounts.map((a) => ({ account_id: a.accountId, traits: a.traits, trait_times: a.traitTimes }));
  await sql`
    UPDATE accounts a SET traits = r.traits, trait_times = r.trait_times, updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(account_id uuid, traits jsonb, trait_times jsonb)
    WHERE a.workspace_id = ${workspaceId} AND a.account_id = r.account_id`.execute(tx);
}

/** A person's membership of an account, with the person's traits within it (role, say). */
export interface MembershipState {
  personId: string;
  accountId: string;
  traits: Record<string, unknown>;
  traitTimes: TraitTimes;
}

/** Locks and loads existing memberships for these pairs. */
export async function lockMemberships(
  scope: WorkspaceScope,
  pairs: Array<{ personId: string; accountId: string }>,
): Promise<MembershipState[]> {
  const { db: tx, workspaceId } = scope;
  if (pairs.length === 0) return [];
  const { rows } = await sql<{ person_id: string; account_id: string; traits: Record<string, unknown>; trait_times: TraitTimes }>`
    SELECT pa.person_id, pa.account_id, pa.traits, pa.trait_times FROM person_accounts pa
    JOIN unnest(${pairs.map((p) => p.personId)}::uuid[], ${pairs.map((p) => p.accountId)}::uuid[]) AS k(person_id, account_id)
      ON pa.person_id = k.person_id AND pa.account_id = k.account_id
    WHERE pa.workspace_id = ${workspaceId}
    ORDER BY pa.person_id, pa.account_id
    FOR UPDATE OF pa`.execute(tx);
  return rows.map((r) => ({ personId: r.person_id, accountId: r.account_id, traits: r.traits, traitTimes: r.trait_times }));
}

export async function upsertMemberships(scope: WorkspaceScope, memberships: MembershipState[]): Promise<void> {
  const { db: tx, workspaceId } = scope;
  if (memberships.length === 0) return;
  const rows = memberships.map((m) => ({ person_id: m.personId, account_id: m.accountId, traits: m.traits, trait_times: m.traitTimes }));
  await sql`
    INSERT INTO person_accounts (workspace_id, person_id, account_id, traits, trait_times)
    SELECT ${workspaceId}::uuid, r.person_id, r.account_id, r.traits, r.trait_times
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(person_id uuid, account_id uuid, traits jsonb, trait_times jsonb)
    ORDER BY r.person_id, r.account_id
    ON CONFLICT (workspace_id, person_id, account_id)
    DO UPDATE SET traits = excluded.traits, trait_times = excluded.trait_times, updated_at = now()`.execute(tx);
}

/** A stored product event. */
export interface EventRow {
  message_id: string;
  type: 'track' | 'page' | 'screen';
  name: string;
  person_id: string | null;
  account_id: string | null;
  properties: Record<string, unknown>;
  /** What rules may read of the message's `context`; null when it sent none. */
  context: Record<string, unknown> | null;
  timestamp: string;
  received_at: string;
  sent_at: string | null;
  future: boolean;
}

export async function insertEvents(scope: WorkspaceScope, events: EventRow[]): Promise<void> {
  const { db: tx, workspaceId } = scope;
  if (events.length === 0) return;
  await sql`
    INSERT INTO events (workspace_id, message_id, type, name, person_id, account_id, properties, context, timestamp, received_at, sent_at, future)
    SELECT ${workspaceId}::uuid, r.message_id, r.type, r.name, r.person_id, r.account_id, r.properties, r.context, r.timestamp, r.received_at, r.sent_at, r.future
    FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS r(
      message_id text, type text, name text, person_id uuid, account_id uuid, properties jsonb, context jsonb,
      timestamp timestamptz, received_at timestamptz, sent_at timestamptz, future boolean)`.execute(tx);
}

/** A field as first seen. */
export interface FieldSighting {
  source: FieldSource;
  eventName: string;
  field: string;
  type: string;
}

export async function registerFields(scope: WorkspaceScope, fields: FieldSighting[]): Promise<void> {
  const { db: tx, workspaceId } = scope;
  if (fields.length === 0) return;
  const rows = fields.map((f) => ({ source: f.source, event_name: f.eventName, field: f.field, type: f.type }));
  await sql`
    INSERT INTO field_registry (workspace_id, source, event_name, field, type)
    SELECT ${workspaceId}::uuid, r.source, r.event_name, r.field, r.type
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(source text, event_name text, field text, type text)
    ORDER BY 2, 3, 4
    ON CONFLICT DO NOTHING`.execute(tx);
}
