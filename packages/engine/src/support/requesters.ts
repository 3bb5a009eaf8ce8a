import { segmentMessageSchema } from '@strata/core';
import { findFirstAccountOf, findPersonByIdentity, findProfileId } from '@strata/storage';
import { ingestMessages } from '../ingestion/index.js';
import type { WorkspaceScope } from '@strata/storage';

/** Who filed a ticket or answered a survey, as the sender knows them. */
export interface Requester {
  userId?: string | null | undefined;
  /** The sender's own id for someone it knows no userId or email of, such as `zendesk:123`. */
  anonymousId?: string | null | undefined;
  email?: string | null | undefined;
  name?: string | null | undefined;
  groupId?: string | null | undefined;
}

export interface RequesterIds {
  personId: string | null;
  accountId: string | null;
}

/**
 * Finds (or creates, through ordinary ingestion, so identities and segments behave as for any
 * identify) the person and account a ticket or answer belongs to. A person is found by userId,
 * else by email; one unknown by userId is created with it, one known only by email gets an
 * anonymous id `<source>:<email>` so a later identify with that email can be aliased to it.
 * With no groupId the person's first account is used.
 */
export async function resolveRequester(
  scope: WorkspaceScope,
  source: string,
  who: Requester,
  suppressionKey?: Buffer,
): Promise<RequesterIds> {
  const email = who.email?.trim().toLowerCase() || null;
  const anonymousId = who.anonymousId || (email ? `${source}:${email}` : null);
  const findPerson = async () => {
    if (who.userId) return findPersonByIdentity(scope, 'user_id', who.userId);
    const byEmail = email ? await findPersonByIdentity(scope, 'email', email) : undefined;
    return byEmail ?? (anonymousId ? await findPersonByIdentity(scope, 'anonymous_id', anonymousId) : undefined);
  };
  let personId = await findPerson();
  let accountId = who.groupId ? await findProfileId(scope, 'account', who.groupId) : undefined;

  const messages: unknown[] = [];
  const identity = who.userId ? { userId: who.userId } : anonymousId ? { anonymousId } : undefined;
  if (!personId && identity) {
    const traits: Record<string, unknown> = {};
    if (email) traits['email'] = email;
    if (who.name) traits['name'] = who.name;
    messages.push({ type: 'identify', ...identity, traits });
  }
  if (who.groupId && !accountId)
    messages.push(identity ? { type: 'group', ...identity, groupId: who.groupId } : { type: 'group', groupId: who.groupId });
  if (messages.length > 0) {
    await ingestMessages(scope, {
      messages: messages.map((m) => segmentMessageSchema.parse(m)),
      receivedAt: scope.clock(),
      suppressionKey,
    });
    personId ??= await findPerson();
    if (who.groupId) accountId ??= await findProfileId(scope, 'account', who.groupId);
  }
  if (!accountId && personId) accountId = await findFirstAccountOf(scope, personId);
  return { personId: personId ?? null, accountId: accountId ?? null };
}
