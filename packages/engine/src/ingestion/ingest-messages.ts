import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { applyTraits, correctEventTime, eventTimeOutsideWindow, type EventTimeWindow, type SegmentMessage } from '@strata/core';
import {
  addIngestionCounts,
  claimMessageIds,
  enqueueSegmentWork,
  ensureEventPartitions,
  findIdentifiedPeople,
  findIdentities,
  insertEvents,
  insertIdentities,
  lockAccounts,
  lockIdentityKeys,
  lockMemberships,
  lockPeople,
  monthKey,
  recordMrrChanges,
  type MrrChange,
  movePerson,
  registerFields,
  updateAccounts,
  upsertMemberships,
  insertPeople,
  updatePeople,
  TooManyNewPartitionsError,
  type EventRow,
  type IdentityKey,
  type MembershipState,
  type PersonState,
  inWorkspaceTransaction,
  type WorkspaceScope,
} from '@strata/storage';
import { resolvePeople, type TimedMessage } from './resolve-people.js';
import { collectFieldSightings } from './field-sightings.js';
import { withTransactionRetry } from './transaction-retry.js';
import { IngestionRefusedError, type RefusalIssue } from './ingestion-refused.js';
import { WorkCollector } from '../segments/index.js';
import { withoutSuppressed } from '../privacy/index.js';

/** One request's worth of validated messages. */
export interface IngestRequest {
  messages: SegmentMessage[];
  receivedAt: Date;
  /** `sentAt` of the batch envelope, used for messages that carry none. */
  batchSentAt?: Date | null | undefined;
  /** Bounds for requests from outside (the ingestion API); imports of history leave them unset. */
  limits?: IngestLimits | undefined;
  /** Checks messages against the workspace's erased people (SecretBox.suppressionKey); unset checks nothing. */
  suppressionKey?: Buffer | undefined;
  /** Keep `context.ip` on stored events (the workspace's `allowIp` setting); dropped otherwise. */
  keepIp?: boolean | undefined;
}

/** What one request may do; breaking either refuses it whole with `IngestionRefusedError`. */
export interface IngestLimits {
  /** Event times (after clock-skew correction) must fall in this window around `receivedAt`. */
  eventTimes?: EventTimeWindow | undefined;
  /** At most this many new monthly event partitions. */
  maxNewPartitions?: number | undefined;
}

export interface IngestResult {
  stored: number;
  deduplicated: number;
  /** Messages naming an erased person: dropped. */
  suppressed: number;
}

type ProductEventMessage = Extract<SegmentMessage, { type: 'track' | 'page' | 'screen' }>;

function isProductEvent(message: SegmentMessage): message is ProductEventMessage {
  return message.type === 'track' || message.type === 'page' || message.type === 'screen';
}

function membershipKey(personId: string, accountId: string): string {
  return `${personId}|${accountId}`;
}

/**
 * Stores a request's messages in one transaction: the caller answers 200 only after this
 * resolves, so an acknowledged message is durable. Replayed messageIds store nothing.
 */
export async function ingestMessages(scope: WorkspaceScope, request: IngestRequest): Promise<IngestResult> {
  const { receivedAt } = request;
  const seen = new Set<string>();
  const unique: TimedMessage[] = [];
  for (const message of request.messages) {
    const messageId = message.messageId ?? randomUUID();
    if (seen.has(messageId)) continue;
    seen.add(messageId);
    unique.push({ message, messageId, ...correctEventTime(message, receivedAt, request.batchSentAt) });
  }
  const duplicatesInRequest = request.messages.length - unique.length;
  const window = request.limits?.eventTimes;
  if (window) {
    const issues: RefusalIssue[] = [];
    request.messages.forEach((message, index) => {
      const problem = eventTimeOutsideWindow(correctEventTime(message, receivedAt, request.batchSentAt).at, receivedAt, window);
      if (problem)
        issues.push({ index, field: message.timestamp ? 'timestamp' : 'originalTimestamp', code: 'out-of-range', message: problem });
    });
    if (issues.length > 0) throw new IngestionRefusedError(issues);
  }
  const maxNewPartitions = request.limits?.maxNewPartitions;
  try {
    await ensureEventPartitions(
      scope.db,
      unique.filter((u) => isProductEvent(u.message)).map((u) => monthKey(u.at)),
      maxNewPartitions === undefined ? {} : { maxNew: maxNewPartitions },
    );
  } catch (error) {
    if (!(error instanceof TooManyNewPartitionsError)) throw error;
    throw new IngestionRefusedError([
      {
        index: null,
        field: 'timestamp',
        code: 'too-many-partitions',
        message: `the events fall in ${error.wanted} months not stored before; one request may add at most ${error.limit}: send fewer months per request, or history with \`strata import\``,
      },
    ]);
  }

  return withTransactionRetry(() =>
    inWorkspaceTransaction(scope, async (tx) => {
      const fresh = await claimMessageIds(
        tx,
        unique.map((u) => u.messageId),
      );
      const claimed = unique
        .filter((u) => fresh.has(u.messageId))
        .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.messageId < b.messageId ? -1 : 1));

      const keys = identityKeysOf(claimed);
      await lockIdentityKeys(tx, keys);
      const todo = await withoutSuppressed(tx, request.suppressionKey, claimed);
      const suppressed = claimed.length - todo.length;
      const { identities, people } = await lockPeopleOf(tx, keys);
      const identified = await findIdentifiedPeople(tx, [...people.keys()]);
      const resolution = resolvePeople(todo, { identities, people, identified, newPersonId: uuidv7 });

      const groupIds = new Set<string>();
      for (const { message } of todo) {
        if (message.type === 'group') groupIds.add(message.groupId);
        const contextGroup = contextGroupId(message);
        if (contextGroup && isProductEvent(message)) groupIds.add(contextGroup);
      }
      const newAccountIds = new Map([...groupIds].map((groupId) => [groupId, uuidv7()]));
      const accounts = await lockAccounts(
        tx,
        [...newAccountIds].map(([groupId, newId]) => ({ groupId, newId })),
      );
      // What changed, per profile, for the live segment engine; queued in this same transaction.
      const work = new WorkCollector();
      for (const account of accounts.values())
        if (account.accountId === newAccountIds.get(account.groupId)) work.add('account', account.accountId, ['*'], { kind: 'membership' });

      const memberships = new Map<string, MembershipState>();
      const membershipTraits: Array<{ key: string; traits: Record<string, unknown>; at: Date; messageId: string }> = [];
      const events: EventRow[] = [];
      const touchedAccounts = new Set<string>();
      // Every MRR a message sets, applied or older than the trait's value: the history keeps both.
      const mrrChanges: MrrChange[] = [];
      for (const item of todo) {
        const { message } = item;
        const personId = resolution.personOf(item);
        if (personId !== null && message.type === 'identify') {
          const names = [...Object.keys(message.traits ?? {}), ...Object.keys(message.traitsOnce ?? {})];
          work.add('person', personId, ['identity', 'seen', ...names.map((k) => `trait:${k}`)], { kind: 'traits', names });
        }
        if (message.type === 'group') {
          const account = accounts.get(message.groupId);
          if (!account) throw new Error(`invariant: account ${message.groupId} was not locked`);
          if (message.traits) applyTraits({ traits: account.traits, times: account.traitTimes }, message.traits, item.at, item.messageId);
          const mrr = message.traits?.['mrr'];
          if (mrr !== undefined)
            mrrChanges.push({
              accountId: account.accountId,
              at: item.at,
              messageId: item.messageId,
              mrr: typeof mrr === 'number' && Number.isFinite(mrr) ? mrr : null,
            });
          touchedAccounts.add(account.groupId);
          const traitNames = Object.keys(message.traits ?? {});
          work.add(
            'account',
            account.accountId,
            traitNames.map((k) => `trait:${k}`),
            { kind: 'traits', names: traitNames },
          );
          if (personId === null) continue; // an imported account with no person
          const key = membershipKey(personId, account.accountId);
          memberships.set(key, { personId, accountId: account.accountId, traits: {}, traitTimes: {} });
          const membership = message.context?.['membership'];
          if (membership && typeof membership === 'object' && !Array.isArray(membership)) {
            membershipTraits.push({ key, traits: membership as Record<string, unknown>, at: item.at, messageId: item.messageId });
          }
        } else if (isProductEvent(message)) {
          const groupId = contextGroupId(message);
          const account = groupId ? accounts.get(groupId) : undefined;
          if (account && personId !== null)
            memberships.set(membershipKey(personId, account.accountId), {
              personId,
              accountId: account.accountId,
              traits: {},
              traitTimes: {},
            });
          const name = message.type === 'track' ? message.event : (message.name ?? '');
          const cause = { kind: 'event' as const, name, messageId: item.messageId };
          if (personId !== null) work.add('person', personId, [`event:${name}`, 'seen'], cause);
          if (account) work.add('account', account.accountId, [`event:${name}`], cause);
          events.push({
            message_id: item.messageId,
            type: message.type,
            name,
            person_id: personId,
            account_id: account?.accountId ?? null,
            properties: message.properties ?? {},
            context: storedContext(message, request.keepIp ?? false),
            timestamp: item.at.toISOString(),
            received_at: receivedAt.toISOString(),
            sent_at: (message.sentAt ?? request.batchSentAt)?.toISOString() ?? null,
            future: item.future,
          });
        }
      }

      // Existing memberships keep their traits; new traits apply on top by event time.
      const existingMemberships = new Set<string>();
      for (const existing of await lockMemberships(tx, [...memberships.values()])) {
        memberships.set(membershipKey(existing.personId, existing.accountId), existing);
        existingMemberships.add(membershipKey(existing.personId, existing.accountId));
      }
      for (const [key, membership] of memberships) {
        if (existingMemberships.has(key)) continue;
        work.add('person', membership.personId, ['accounts'], { kind: 'membership' });
        work.add('account', membership.accountId, ['people'], { kind: 'membership' });
      }
      for (const change of membershipTraits) {
        const membership = memberships.get(change.key);
        if (membership)
          applyTraits({ traits: membership.traits, times: membership.traitTimes }, change.traits, change.at, change.messageId);
      }

      await insertPeople(tx, resolution.newPeople());
      for (const person of resolution.newPeople())
        work.add('person', person.personId, ['*'], { kind: 'traits', names: Object.keys(person.traits) });
      for (const [fromId, intoId] of resolution.storedMerges()) {
        await movePerson(tx, fromId, intoId);
        // The merged-away person leaves every segment; the survivor may enter any.
        work.add('person', fromId, ['*'], { kind: 'merge' });
        work.add('person', intoId, ['*'], { kind: 'merge' });
      }
      await insertIdentities(tx, resolution.newIdentities());
      await updatePeople(tx, resolution.changedStoredPeople());
      await updateAccounts(
        tx,
        [...touchedAccounts].map((g) => accounts.get(g)!),
      );
      await recordMrrChanges(tx, mrrChanges);
      await upsertMemberships(tx, [...memberships.values()]);
      await insertEvents(tx, events);
      await registerFields(tx, collectFieldSightings(todo.map((t) => t.message)));
      await enqueueSegmentWork(tx, work.work());
      const deduplicated = duplicatesInRequest + (unique.length - fresh.size);
      await addIngestionCounts(tx, { stored: todo.length, rejected: 0, deduplicated, suppressed });
      return { stored: todo.length, deduplicated, suppressed };
    }),
  );
}

/** The context an event keeps for rules to read: all of it but the IP address, which is personal data kept only when allowed. */
function storedContext(message: SegmentMessage, keepIp: boolean): Record<string, unknown> | null {
  if (!message.context) return null;
  if (keepIp || !Object.hasOwn(message.context, 'ip')) return message.context;
  return Object.fromEntries(Object.entries(message.context).filter(([name]) => name !== 'ip'));
}

function contextGroupId(message: SegmentMessage): string | undefined {
  const value = message.context?.['groupId'];
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

function identityKeysOf(messages: TimedMessage[]): IdentityKey[] {
  const keys: IdentityKey[] = [];
  for (const { message } of messages) {
    if (message.userId != null) keys.push({ kind: 'user_id', value: message.userId });
    if (message.anonymousId != null) keys.push({ kind: 'anonymous_id', value: message.anonymousId });
    if (message.type === 'alias') {
      keys.push({ kind: 'user_id', value: message.previousId }, { kind: 'anonymous_id', value: message.previousId });
    }
  }
  return keys;
}

/**
 * Locks the people the keys name. A concurrent merge may have moved a key to another person
 * between reading and locking; then the moved-away person is gone and we read again.
 */
async function lockPeopleOf(tx: WorkspaceScope, keys: IdentityKey[]) {
  let identities = await findIdentities(tx, keys);
  const people = new Map<string, PersonState>();
  for (let round = 0; round < 10; round++) {
    const wanted = [...new Set(identities.values())].filter((id) => !people.has(id));
    if (wanted.length === 0) return { identities, people };
    const locked = await lockPeople(tx, wanted);
    for (const [id, person] of locked) people.set(id, person);
    if (locked.size === wanted.length) return { identities, people };
    identities = await findIdentities(tx, keys);
    for (const id of people.keys()) if (![...identities.values()].includes(id)) people.delete(id);
  }
  throw new Error('identities kept moving while being locked; retry the request');
}
