import { sql, type Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../schema.js';

/** A person who signs in; global, a member of any number of workspaces. */
export interface User {
  id: string;
  email: string;
  /** The encoded password hash; null until the user sets a password (an invitation not yet accepted). */
  passwordHash: string | null;
  createdAt: Date;
}

const toUser = (row: { user_id: string; email: string; password_hash: string | null; created_at: Date }): User => ({
  id: row.user_id,
  email: row.email,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
});

/** The user with this email, compared case-insensitively (the unique index is on lower(email)). */
export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return row ? toUser(row) : undefined;
}

export async function findUserById(db: Kysely<Database>, userId: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row ? toUser(row) : undefined;
}

/** Creates a user, or returns the one that already has this email (case-insensitively). */
export async function findOrCreateUser(
  db: Kysely<Database>,
  input: { email: string; passwordHash: string | null },
): Promise<{ user: User; created: boolean }> {
  const row = await db
    .insertInto('users')
    .values({ user_id: uuidv7(), email: input.email, password_hash: input.passwordHash })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) return { user: toUser(row), created: true };
  const existing = await findUserByEmail(db, input.email);
  if (!existing) throw new Error(`user ${input.email} was removed while being created; retry`);
  return { user: existing, created: false };
}

export async function setUserPassword(db: Kysely<Database>, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('user_id', '=', userId).execute();
}

/** Whether anyone can sign in yet: the setup link works only while this is false. */
export async function anyUserExists(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('users').select('user_id').limit(1).executeTakeFirst();
  return row !== undefined;
}
