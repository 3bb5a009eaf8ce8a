import { sql, type RawBuilder } from 'kysely';
import { enqueueSegmentWork } from '../segments/index.js';
import type { WorkspaceScope } from '../workspace-scope.js';
import type { PersonIdentifiers } from './person-identifiers.js';

/** Rows removed or emptied per place, for the erasure's audit entry (counts only, no data). */
export type ErasedRows = Record<string, number>;

/**
 * Removes a person everywhere, in the caller's transaction (which holds their identity locks, so
 * no ingestion can resurrect them halfway). Each statement is one step; the order respects the
 * foreign keys. Tickets stay (they are the business's record, and account-level counts keep
 * them) with the requester link and every free-text field emptied; their messages go.
 */
export async function erasePersonRows(scope: WorkspaceScope, person: PersonIdentifiers): Promise<ErasedRows> {
  const { db: tx, workspaceId: ws } = scope;
  const ids = person.personIds;
  const userIds = person.identifiers.filter((i) => i.kind === 'user_id').map((i) => i.value);
  const needles = [...ids, ...person.identifiers.map((i) => i.value)].map((v) => JSON.stringify(v).slice(1, -1));
  // Accounts they belonged to are re-evaluated: counts of people per account change.
  const accounts = await tx
    .selectFrom('person_accounts')
    .select('account_id')
    .where('workspace_id', '=', ws)
    .where('person_id', 'in', ids)
    .execute();
  const segmentKeys = (await tx.selectFrom('segments').select('segment_key').where('workspace_id', '=', ws).execute()).map(
    (s) => s.segment_key,
  );
  const steps: Array<[string, RawBuilder<unknown>]> = [
    // Membership webhook messages about them: by the change they report, or by the id they carry.
    [
      'webhook_messages',
      sql`DELETE FROM webhook_messages w WHERE w.workspace_id = ${ws} AND (
        w.payload->'data'->>'id' = ANY(${userIds}::text[])
        OR w.change_id IN (SELECT change_id FROM segment_changes WHERE workspace_id = ${ws}
          AND segment_key = ANY(${segmentKeys}::text[]) AND member_id = ANY(${ids}::uuid[])))`,
    ],
    // Queued jobs whose payload names them (any id or identifier, anywhere in the payload).
    [
      'graphile_worker.jobs',
      sql`DELETE FROM graphile_worker._private_jobs j WHERE j.payload->>'workspaceId' = ${ws}
        AND EXISTS (SELECT 1 FROM unnest(${needles}::text[]) n WHERE strpos(j.payload::text, n) > 0)`,
    ],
    [
      'segment_changes',
      sql`DELETE FROM segment_changes WHERE workspace_id = ${ws} AND segment_key = ANY(${segmentKeys}::text[]) AND member_id = ANY(${ids}::uuid[])`,
    ],
    ['segment_members', sql`DELETE FROM segment_members WHERE workspace_id = ${ws} AND member_id = ANY(${ids}::uuid[])`],
    [
      'segment_staging',
      sql`DELETE FROM segment_staging WHERE workspace_id = ${ws} AND segment_key = ANY(${segmentKeys}::text[]) AND member_id = ANY(${ids}::uuid[])`,
    ],
    ['segment_work', sql`DELETE FROM segment_work WHERE workspace_id = ${ws} AND target = 'person' AND profile_id = ANY(${ids}::uuid[])`],
    [
      'segment_work_parked',
      sql`DELETE FROM segment_work_parked WHERE workspace_id = ${ws} AND target = 'person' AND profile_id = ANY(${ids}::uuid[])`,
    ],
    [
      'trait_instants',
      sql`DELETE FROM trait_instants WHERE workspace_id = ${ws} AND target = 'person' AND profile_id = ANY(${ids}::uuid[])`,
    ],
    // Person models' band changes (their scores, history and hand-set values go with the person row).
    ['health_band_changes', sql`DELETE FROM health_band_changes WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[])`],
    ['events', sql`DELETE FROM events WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[])`],
    [
      'surveys',
      sql`DELETE FROM surveys WHERE workspace_id = ${ws} AND (person_id = ANY(${ids}::uuid[])
        OR ticket_id IN (SELECT ticket_id FROM tickets WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[])))`,
    ],
    [
      'ticket_messages',
      sql`DELETE FROM ticket_messages WHERE workspace_id = ${ws}
        AND ticket_id IN (SELECT ticket_id FROM tickets WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[]))`,
    ],
    [
      'tickets',
      sql`UPDATE tickets SET person_id = NULL, subject = NULL, description = NULL, csat_comment = NULL
        WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[])`,
    ],
    ['person_accounts', sql`DELETE FROM person_accounts WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[])`],
    ['identities', sql`DELETE FROM identities WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[])`],
    [
      'person_merges',
      sql`DELETE FROM person_merges WHERE workspace_id = ${ws} AND (from_person_id = ANY(${ids}::uuid[]) OR into_person_id = ANY(${ids}::uuid[]))`,
    ],
    ['people', sql`DELETE FROM people WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[])`],
  ];
  const erased: ErasedRows = {};
  for (const [place, statement] of steps) erased[place] = Number((await statement.execute(tx)).numAffectedRows ?? 0n);
  await enqueueSegmentWork(
    scope,
    [...new Set(accounts.map((a) => a.account_id))].map((accountId) => ({
      target: 'account' as const,
      profileId: accountId,
      topics: ['people'],
      cause: { kind: 'membership' as const },
    })),
  );
  return erased;
}
