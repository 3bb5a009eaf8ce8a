import { createHmac } from 'node:crypto';
import type { SegmentMessage } from '@strata/core';
import type { IdentityKind } from '@strata/storage';

/**
 * The keyed hash that stands for an identifier once its person is erased: HMAC-SHA256 under the
 * suppression key (derived from STRATA_SECRET_KEY, which lives outside the database), over the
 * workspace, the kind and the value. Without the key, the list cannot be checked against a
 * guess (an email address), nor matched across workspaces.
 */
export function identifierHash(key: Buffer, workspaceId: string, kind: IdentityKind, value: string): Buffer {
  const normal = kind === 'email' ? value.trim().toLowerCase() : value;
  return createHmac('sha256', key).update(`${workspaceId}\0${kind}\0${normal}`).digest();
}

/** The identifiers a message names: its ids, an alias's previous id, and an email in its traits. */
export function messageIdentifiers(message: SegmentMessage): Array<{ kind: IdentityKind; value: string }> {
  const found: Array<{ kind: IdentityKind; value: string }> = [];
  if (message.userId != null) found.push({ kind: 'user_id', value: message.userId });
  if (message.anonymousId != null) found.push({ kind: 'anonymous_id', value: message.anonymousId });
  if (message.type === 'alias')
    found.push({ kind: 'user_id', value: message.previousId }, { kind: 'anonymous_id', value: message.previousId });
  const traits = message.type === 'identify' ? message.traits : undefined;
  const contextTraits = message.context?.['traits'];
  for (const source of [traits, contextTraits])
    if (source && typeof source === 'object' && !Array.isArray(source)) {
      const email = (source as Record<string, unknown>)['email'];
      if (typeof email === 'string' && email !== '') found.push({ kind: 'email', value: email });
    }
  return found;
}
