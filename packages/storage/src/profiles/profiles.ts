import type { WorkspaceScope } from '../workspace-scope.js';

/** A person as the read API shows it. */
export interface PersonProfile {
  userId: string | null;
  anonymousIds: string[];
  traits: Record<string, unknown>;
  firstSeenAt: Date;
  lastSeenAt: Date;
  accounts: Array<{ groupId: string; traits: Record<string, unknown>; membership: Record<string, unknown> }>;
  events: Array<{
    messageId: string;
    type: string;
    name: string;
    groupId: string | null;
    properties: Record<string, unknown>;
    context: Record<string, unknown> | null;
    timestamp: Date;
    receivedAt: Date;
  }>;
}

/** An account as the read API shows it. */
export interface AccountProfile {
  groupId: string;
  traits: Record<string, unknown>;
  createdAt: Date;
  people: Array<{ userId: string | null; traits: Record<string, unknown>; membership: Record<string, unknown> }>;
}

/** The person known by this userId (also an aliased one) in the workspace, with recent events. */
export async function findPersonProfile(scope: WorkspaceScope, userId: string, eventLimit = 50): Promise<PersonProfile | undefined> {
  const { db, workspaceId } = scope;
  const person = await db
    .selectFrom('identities as i')
    .innerJoin('people as p', (j) => j.onRef('p.workspace_id', '=', 'i.workspace_id').onRef('p.person_id', '=', 'i.person_id'))
    .select(['p.person_id', 'p.user_id', 'p.traits', 'p.first_seen_at', 'p.last_seen_at'])
    .where('i.workspace_id', '=', workspaceId)
    .where('i.kind', '=', 'user_id')
    .where('i.value', '=', userId)
    .executeTakeFirst();
  if (!person) return undefined;
  const [identities, accounts, events] = await Promise.all([
    db
      .selectFrom('identities')
      .select('value')
      .where('workspace_id', '=', workspaceId)
      .where('person_id', '=', person.person_id)
      .where('kind', '=', 'anonymous_id')
      .orderBy('value')
      .execute(),
    db
      .selectFrom('person_accounts as pa')
      .innerJoin('accounts as a', (j) => j.onRef('a.workspace_id', '=', 'pa.workspace_id').onRef('a.account_id', '=', 'pa.account_id'))
      .select(['a.group_id', 'a.traits', 'pa.traits as membership'])
      .where('pa.workspace_id', '=', workspaceId)
      .where('pa.person_id', '=', person.person_id)
      .orderBy('a.group_id')
      .execute(),
    db
      .selectFrom('events as e')
      .leftJoin('accounts as a', (j) => j.onRef('a.workspace_id', '=', 'e.workspace_id').onRef('a.account_id', '=', 'e.account_id'))
      .select(['e.message_id', 'e.type', 'e.name', 'a.group_id', 'e.properties', 'e.context', 'e.timestamp', 'e.received_at'])
      .where('e.workspace_id', '=', workspaceId)
      .where('e.person_id', '=', person.person_id)
      .orderBy('e.timestamp', 'desc')
      .limit(eventLimit)
      .execute(),
  ]);
  return {
    userId: person.user_id,
    anonymousIds: identities.map((i) => i.value),
    traits: person.traits,
    firstSeenAt: person.first_seen_at,
    lastSeenAt: person.last_seen_at,
    accounts: accounts.map((a) => ({ groupId: a.group_id, traits: a.traits, membership: a.membership })),
    events: events.map((e) => ({
      messageId: e.message_id,
      type: e.type,
      name: e.name,
      groupId: e.group_id,
      properties: e.properties,
      context: e.context,
      timestamp: e.timestamp,
      receivedAt: e.received_at,
    })),
  };
}

/** The account with this groupId in the workspace, with its people. */
export async function findAccountProfile(scope: WorkspaceScope, groupId: string): Promise<AccountProfile | undefined> {
  const { db, workspaceId } = scope;
  const account = await db
    .selectFrom('accounts')
    .select(['account_id', 'group_id', 'traits', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  if (!account) return undefined;
  const people = await db
    .selectFrom('person_accounts as pa')
    .innerJoin('people as p', (j) => j.onRef('p.workspace_id', '=', 'pa.workspace_id').onRef('p.person_id', '=', 'pa.person_id'))
    .select(['p.user_id', 'p.traits', 'pa.traits as membership'])
    .where('pa.workspace_id', '=', workspaceId)
    .where('pa.account_id', '=', account.account_id)
    .orderBy('p.user_id')
    .execute();
  return {
    groupId: account.group_id,
    traits: account.traits,
    createdAt: account.created_at,
    people: people.map((p) => ({ userId: p.user_id, traits: p.traits, membership: p.membership })),
  };
}
