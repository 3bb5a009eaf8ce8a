import {
  addSuppressions,
  atOneInstant,
  erasePersonRows,
  findPersonIdentifiers,
  inWorkspaceTransaction,
  lockIdentityKeys,
  recordAudit,
  type AuditActor,
  type ErasedRows,
  type WorkspaceScope,
} from '@strata/storage';
import { identifierHash } from './identifier-hash.js';

/** What an erasure did: when, and how many rows per place (counts only). */
export interface Erasure {
  /** The keyed hash of the userId, as the audit entry names the person. */
  subject: string;
  startedAt: Date;
  finishedAt: Date;
  rows: ErasedRows;
  suppressed: number;
}

/**
 * Erases the person a userId names, everywhere, in one transaction: their rows go (see
 * erasePersonRows), each identifier they were known by is suppressed as a keyed hash, and the
 * audit log records it by that hash. Whole or nothing, and fast enough to answer in the request
 * (docs/security.md has the measurement). Undefined when no such person exists.
 */
export async function erasePerson(
  scope: WorkspaceScope,
  suppressionKey: Buffer,
  userId: string,
  by: { actor: AuditActor; address: string | null },
  finishedAt: () => Date,
): Promise<Erasure | undefined> {
  const at = atOneInstant(scope);
  const subject = identifierHash(suppressionKey, scope.workspaceId, 'user_id', userId).toString('hex');
  return inWorkspaceTransaction(at, async (tx) => {
    const first = await findPersonIdentifiers(tx, userId);
    if (!first) return undefined;
    // The same locks ingestion takes, then a second read: a write that was running is finished,
    // and every later one sees the suppression before it stores anything.
    await lockIdentityKeys(
      tx,
      first.identifiers.filter((i) => i.kind !== 'email'),
    );
    const person = (await findPersonIdentifiers(tx, userId)) ?? first;
    const rows = await erasePersonRows(tx, person);
    const hashes = person.identifiers.map((i) => identifierHash(suppressionKey, scope.workspaceId, i.kind, i.value));
    await addSuppressions(tx, hashes);
    await recordAudit(tx, { ...by, kind: 'person.erased', subject, after: { rows, suppressedIdentifiers: hashes.length } });
    return { subject, startedAt: at.clock(), finishedAt: finishedAt(), rows, suppressed: hashes.length };
  });
}
