import { sql } from 'kysely';
import type { IdentityKind } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A person as privacy operations see them: every id they were ever known by in Strata, and how they identified. */
export interface PersonIdentifiers {
  /** The person, then every person merged into them (their history may still carry those ids). */
  personIds: string[];
  /** Every identity that resolves to them, emails from their traits included. */
  identifiers: Array<{ kind: IdentityKind; value: string }>;
}

/** The person a userId names, or undefined when there is none in this workspace. */
export async function findPersonIdentifiers(scope: WorkspaceScope, userId: string): Promise<PersonIdentifiers | undefined> {
  const { db, workspaceId } = scope;
  const found = await db
    .selectFrom('identities')
    .select('person_id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'user_id')
    .where('value', '=', userId)
    .executeTakeFirst();
  if (!found) return undefined;
  const { rows: merged } = await sql<{ person_id: string }>`
    WITH RECURSIVE merged(person_id) AS (
      SELECT ${found.person_id}::uuid
      UNION
      SELECT m.from_person_id FROM person_merges m JOIN merged ON m.into_person_id = merged.person_id
      WHERE m.workspace_id = ${workspaceId}
    )
    SELECT person_id::text FROM merged`.execute(db);
  const personIds = merged.map((r) => r.person_id);
  const identities = await db
    .selectFrom('identities')
    .select(['kind', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('person_id', 'in', personIds)
    .execute();
  const person = await db
    .selectFrom('people')
    .select(sql<string | null>`traits->>'email'`.as('email'))
    .where('workspace_id', '=', workspaceId)
    .where('person_id', '=', found.person_id)
    .executeTakeFirst();
  const identifiers = identities.map((i) => ({ kind: i.kind, value: i.value }));
  if (person?.email && !identifiers.some((i) => i.kind === 'email' && i.value === person.email))
    identifiers.push({ kind: 'email', value: person.email });
  return { personIds, identifiers };
}
