import { applyTraits, mergeVersionedTraits, type SegmentMessage } from '@strata/core';
import type { IdentityKey, PersonState } from '@strata/storage';

/** A validated message with its id and corrected event time. */
export interface TimedMessage {
  message: SegmentMessage;
  messageId: string;
  at: Date;
  future: boolean;
}

interface ResolveInput {
  /** `kind/value` to person id, as stored and locked. */
  identities: Map<string, string>;
  /** The locked stored people those identities name. */
  people: Map<string, PersonState>;
  /** Stored people that carry a userId. */
  identified: Set<string>;
  newPersonId: () => string;
}

/** Who each message is about, and what that changes in people and identities. */
export interface Resolution {
  /** Null for an account event, which names no person. */
  personOf(item: TimedMessage): string | null;
  newPeople(): PersonState[];
  changedStoredPeople(): PersonState[];
  /** Stored people merged into another, as `[from, into]` with `into` already final. */
  storedMerges(): Array<[string, string]>;
  newIdentities(): Array<IdentityKey & { personId: string }>;
}

const keyOf = (kind: IdentityKey['kind'], value: string) => `${kind}/${value}`;

/**
 * Resolves identities in event-time order, applying identify traits by event time.
 * - identify/track with a userId and an anonymousId of an anonymous person merges that person in;
 * - alias(previousId, userId) merges the person of previousId into the person of userId, whose
 *   canonical userId becomes userId; previousId then finds them as a userId and an anonymousId;
 * - an identified person is never merged by identify, only by an explicit alias.
 */
export function resolvePeople(messages: TimedMessage[], input: ResolveInput): Resolution {
  const { identities, people, identified } = input;
  const created = new Set<string>();
  const mergedInto = new Map<string, string>();
  const storedMerges: Array<[string, string]> = [];
  const added = new Map<string, IdentityKey & { personId: string }>();
  const personByMessage = new Map<string, string>();

  const final = (id: string): string => {
    let current = id;
    for (let next = mergedInto.get(current); next; next = mergedInto.get(current)) current = next;
    return current;
  };
  const lookup = (kind: IdentityKey['kind'], value: string) => {
    const id = identities.get(keyOf(kind, value));
    return id === undefined ? undefined : final(id);
  };
  const attach = (kind: IdentityKey['kind'], value: string, personId: string) => {
    const key = keyOf(kind, value);
    if (identities.has(key)) return;
    identities.set(key, personId);
    added.set(key, { kind, value, personId });
    if (kind === 'user_id') {
      identified.add(personId);
      const person = people.get(personId)!;
      person.userId ??= value;
    }
  };
  const create = (at: Date): string => {
    const personId = input.newPersonId();
    created.add(personId);
    people.set(personId, { personId, userId: null, traits: {}, traitTimes: {}, firstSeenAt: at, lastSeenAt: at });
    return personId;
  };
  const merge = (fromId: string, intoId: string) => {
    const from = people.get(fromId)!;
    const into = people.get(intoId)!;
    const traits = { traits: into.traits, times: into.traitTimes };
    mergeVersionedTraits(traits, { traits: from.traits, times: from.traitTimes });
    if (from.firstSeenAt < into.firstSeenAt) into.firstSeenAt = from.firstSeenAt;
    if (from.lastSeenAt > into.lastSeenAt) into.lastSeenAt = from.lastSeenAt;
    into.userId ??= from.userId;
    if (identified.has(fromId)) identified.add(intoId);
    mergedInto.set(fromId, intoId);
    people.delete(fromId);
    if (created.has(fromId)) created.delete(fromId);
    else storedMerges.push([fromId, intoId]);
  };

  for (const item of messages) {
    const { message } = item;
    let personId: string;
    if (message.type !== 'alias' && message.userId == null && message.anonymousId == null) continue;
    if (message.type === 'alias') {
      const userId = message.userId!;
      const previous = lookup('user_id', message.previousId) ?? lookup('anonymous_id', message.previousId);
      const current = lookup('user_id', userId);
      if (previous && current && previous !== current) merge(previous, current);
      personId = current ?? previous ?? create(item.at);
      attach('user_id', userId, personId);
      // As Segment: the new userId is canonical, and the previous id, whichever kind it was, keeps finding the person.
      people.get(personId)!.userId = userId;
      attach('user_id', message.previousId, personId);
      if (!previous) attach('anonymous_id', message.previousId, personId);
      if (message.anonymousId != null) {
        // The alias call's own device: an anonymous visitor on it joins the person, as on identify.
        const byAnonymous = lookup('anonymous_id', message.anonymousId);
        if (byAnonymous && byAnonymous !== personId && !identified.has(byAnonymous)) merge(byAnonymous, personId);
        if (!byAnonymous) attach('anonymous_id', message.anonymousId, personId);
      }
    } else {
      const byUser = message.userId != null ? lookup('user_id', message.userId) : undefined;
      const byAnonymous = message.anonymousId != null ? lookup('anonymous_id', message.anonymousId) : undefined;
      const anonymousIsSomeoneElse =
        byAnonymous !== undefined &&
        identified.has(byAnonymous) &&
        message.userId != null &&
        people.get(byAnonymous)?.userId !== message.userId;
      if (byUser && byAnonymous && byUser !== byAnonymous && !identified.has(byAnonymous)) merge(byAnonymous, byUser);
      personId = byUser ?? (anonymousIsSomeoneElse ? undefined : byAnonymous) ?? create(item.at);
      if (message.userId != null) attach('user_id', message.userId, personId);
      if (message.anonymousId != null && !anonymousIsSomeoneElse) attach('anonymous_id', message.anonymousId, personId);
    }

    const person = people.get(personId)!;
    if (item.at < person.firstSeenAt) person.firstSeenAt = item.at;
    if (item.at > person.lastSeenAt) person.lastSeenAt = item.at;
    if (message.type === 'identify' && message.traits) {
      applyTraits({ traits: person.traits, times: person.traitTimes }, message.traits, item.at, item.messageId);
      const email = message.traits['email'];
      if (typeof email === 'string' && email !== '') attach('email', email.toLowerCase(), personId);
    }
    if (message.type === 'identify' && message.traitsOnce) {
      const absent = Object.entries(message.traitsOnce).filter(([name]) => !Object.hasOwn(person.traits, name));
      applyTraits({ traits: person.traits, times: person.traitTimes }, Object.fromEntries(absent), item.at, item.messageId);
    }
    personByMessage.set(item.messageId, personId);
  }

  return {
    personOf: (item) => {
      const personId = personByMessage.get(item.messageId);
      return personId === undefined ? null : final(personId);
    },
    newPeople: () => [...created].map((id) => people.get(id)!),
    changedStoredPeople: () => [...people.values()].filter((p) => !created.has(p.personId)),
    storedMerges: () => storedMerges.map(([from, into]) => [from, final(into)]),
    newIdentities: () => [...added.values()].map((identity) => ({ ...identity, personId: final(identity.personId) })),
  };
}
