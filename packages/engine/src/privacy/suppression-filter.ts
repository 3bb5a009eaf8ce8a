import type { SegmentMessage } from '@strata/core';
import { findSuppressed, hasSuppressions, type WorkspaceScope } from '@strata/storage';
import { identifierHash, messageIdentifiers } from './identifier-hash.js';

/**
 * The messages that name no erased person, in the caller's transaction (after the identity
 * locks, so an erasure committing meanwhile is seen). With an empty suppression list this costs
 * one index probe per batch and no hashing. Without the key (a caller that was not given one:
 * today the help-desk requesters and Stripe) nothing can be checked and every message passes.
 */
export async function withoutSuppressed<T extends { message: SegmentMessage }>(
  scope: WorkspaceScope,
  suppressionKey: Buffer | undefined,
  items: T[],
): Promise<T[]> {
  if (!suppressionKey || items.length === 0 || !(await hasSuppressions(scope))) return items;
  const hashesOf = items.map((item) =>
    messageIdentifiers(item.message).map((id) => identifierHash(suppressionKey, scope.workspaceId, id.kind, id.value)),
  );
  const suppressed = await findSuppressed(scope, hashesOf.flat());
  if (suppressed.size === 0) return items;
  return items.filter((_item, index) => !hashesOf[index]!.some((h) => suppressed.has(h.toString('hex'))));
}
