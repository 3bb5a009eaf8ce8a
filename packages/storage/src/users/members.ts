import { isRole, type Role } from '@strata/core';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { inWorkspaceTransaction, type WorkspaceScope } from '../workspace-scope.js';

/** A user's place in one workspace. `active` is false until they have set a password. */
export interface Member {
  userId: string;
  email: string;
  role: Role;
  active: boolean;
  createdAt: Date;
}

function toRole(value: string): Role {
  if (!isRole(value)) throw new Error(`workspace_members holds an unknown role "${value}"`);
  return value;
}

const memberColumns = ['m.user_id', 'u.email', 'm.role', 'u.password_hash', 'm.created_at'] as const;
const toMember = (row: { user_id: string; email: string; role: string; password_hash: string | null; created_at: Date }): Member => ({
  userId: row.user_id,
  email: row.email,
  role: toRole(row.role),
  active: row.password_hash !== null,
  createdAt: row.created_at,
});

/**
 * A workspace's memberships on a database or a transaction. `workspace_members` is a global
 * table (sign-in lists a user's workspaces before one is chosen: no row-level security), so a
 * transaction begun before the workspace was known (setup, invitations) may write it; a
 * `WorkspaceScope` is one of these too.
 */
export interface MembersOf {
  db: Kysely<Database>;
  workspaceId: string;
}

/** Adds the user with `role`; a user already a member keeps their role (`added: false`). */
export async function addMember(scope: MembersOf, userId: string, role: Role): Promise<{ added: boolean; role: Role }> {
  const inserted = await scope.db
    .insertInto('workspace_members')
    .values({ workspace_id: scope.workspaceId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
    .returning('role')
    .executeTakeFirst();
  if (inserted) return { added: true, role };
  const existing = await findMember(scope, userId);
  return { added: false, role: existing?.role ?? role };
}

export async function findMember(scope: MembersOf, userId: string): Promise<Member | undefined> {
  const row = await scope.db
    .selectFrom('workspace_members as m')
    .innerJoin('users as u', 'u.user_id', 'm.user_id')
    .select(memberColumns)
    .where('m.workspace_id', '=', scope.workspaceId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  return row ? toMember(row) : undefined;
}

export async function listMembers(scope: WorkspaceScope): Promise<Member[]> {
  const rows = await scope.db
    .selectFrom('workspace_members as m')
    .innerJoin('users as u', 'u.user_id', 'm.user_id')
    .select(memberColumns)
    .where('m.workspace_id', '=', scope.workspaceId)
    .orderBy('m.created_at')
    .orderBy('m.user_id')
    .execute();
  return rows.map(toMember);
}

/** The workspaces a user belongs to, oldest membership first (where a sign-in lands by default). */
export async function listMemberships(db: Kysely<Database>, userId: string): Promise<{ workspaceId: string; slug: string; role: Role }[]> {
  const rows = await db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.workspace_id', 'm.workspace_id')
    .select(['m.workspace_id', 'w.slug', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('m.created_at')
    .orderBy('m.workspace_id')
    .execute();
  return rows.map((r) => ({ workspaceId: r.workspace_id, slug: r.slug, role: toRole(r.role) }));
}

export type MemberChange = 'done' | 'not-found' | 'last-owner';

/**
 * Changes a member's role (`role`) or removes them (`undefined`), refusing to leave the
 * workspace without an owner. The owners' rows are locked first, so two admins demoting the
 * last two owners at once cannot both succeed.
 */
export async function changeMember(scope: WorkspaceScope, userId: string, role: Role | undefined): Promise<MemberChange> {
  return inWorkspaceTransaction(scope, async ({ db, workspaceId }) => {
    const owners = await db
      .selectFrom('workspace_members')
      .select('user_id')
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', 'owner')
      .forUpdate()
      .execute();
    const current = await db
      .selectFrom('workspace_members')
      .select('role')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) return 'not-found';
    if (current.role === 'owner' && role !== 'owner' && owners.length <= 1) return 'last-owner';
    if (role === undefined) {
      await db.deleteFrom('workspace_members').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
      await db.deleteFrom('user_sessions').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
      await db.deleteFrom('user_invitations').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
    } else {
      await db
        .updateTable('workspace_members')
        .set({ role })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
    }
    return 'done';
  });
}
