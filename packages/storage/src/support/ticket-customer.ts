import type { WorkspaceScope } from '../workspace-scope.js';

/** The requester and account of a ticket as templates and scopes read them: ids and traits. */
export interface TicketCustomer {
  person: { personId: string; userId: string | null; traits: Record<string, unknown> } | undefined;
  account: { accountId: string; groupId: string; traits: Record<string, unknown> } | undefined;
}

/** Loads a ticket's requester and account by their internal ids; either may be absent. */
export async function findTicketCustomer(
  scope: WorkspaceScope,
  personId: string | null,
  accountId: string | null,
): Promise<TicketCustomer> {
  const { db, workspaceId } = scope;
  const [person, account] = await Promise.all([
    personId === null
      ? undefined
      : db
          .selectFrom('people')
          .select(['person_id', 'user_id', 'traits'])
          .where('workspace_id', '=', workspaceId)
          .where('person_id', '=', personId)
          .executeTakeFirst(),
    accountId === null
      ? undefined
      : db
          .selectFrom('accounts')
          .select(['account_id', 'group_id', 'traits'])
          .where('workspace_id', '=', workspaceId)
          .where('account_id', '=', accountId)
          .executeTakeFirst(),
  ]);
  return {
    person: person && { personId: person.person_id, userId: person.user_id, traits: person.traits },
    account: account && { accountId: account.account_id, groupId: account.group_id, traits: account.traits },
  };
}

/** A person by userId with their first account (the one they joined first), as a template's customer. */
export async function findCustomerByUserId(scope: WorkspaceScope, userId: string): Promise<TicketCustomer | undefined> {
  const { db, workspaceId } = scope;
  const person = await db
    .selectFrom('people')
    .select('person_id')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!person) return undefined;
  const membership = await db
    .selectFrom('person_accounts')
    .select('account_id')
    .where('workspace_id', '=', workspaceId)
    .where('person_id', '=', person.person_id)
    .orderBy('created_at')
    .orderBy('account_id')
    .limit(1)
    .executeTakeFirst();
  return findTicketCustomer(scope, person.person_id, membership?.account_id ?? null);
}
