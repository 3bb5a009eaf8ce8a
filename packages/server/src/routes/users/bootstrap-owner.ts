import type { Kysely } from 'kysely';
import { addMember, anyUserExists, createSetupToken, deleteSetupTokens, findOrCreateUser, type Database } from '@strata/storage';
import { hashPassword } from './passwords.js';

/**
 * First start: makes sure someone can sign in to the default workspace. With an email and a
 * password (STRATA_BOOTSTRAP_ADMIN_EMAIL/_PASSWORD) it creates that owner; without, it creates a
 * one-time setup token and announces it once. Once any user exists it does nothing, so starting
 * again with the variables set changes nothing.
 */
export async function bootstrapOwner(
  db: Kysely<Database>,
  input: { workspaceId: string; email: string | undefined; password: string | undefined; baseUrl: string; now: () => Date },
  announce: (text: string) => void,
): Promise<'created' | 'setup-link' | 'nothing'> {
  if (await anyUserExists(db)) return 'nothing';
  if (input.email !== undefined && input.password !== undefined) {
    const passwordHash = await hashPassword(input.password);
    const { email } = input;
    await db.transaction().execute(async (tx) => {
      const { user } = await findOrCreateUser(tx, { email, passwordHash });
      await addMember({ db: tx, workspaceId: input.workspaceId }, user.id, 'owner');
      await deleteSetupTokens(tx);
    });
    announce(`Created the owner ${email} of workspace "default"; sign in with POST ${input.baseUrl}/api/v1/auth/login.`);
    return 'created';
  }
  const token = await createSetupToken(db, input.workspaceId);
  if (token === undefined) return 'nothing';
  announce(
    [
      'No user yet. Create the owner of workspace "default" once with this setup token (shown once):',
      `  curl -X POST ${input.baseUrl}/api/v1/auth/setup -H 'content-type: application/json' \\`,
      `    -d '{"token":"${token}","email":"you@example.com","password":"at least 12 characters"}'`,
      '  (or start with STRATA_BOOTSTRAP_ADMIN_EMAIL and STRATA_BOOTSTRAP_ADMIN_PASSWORD set)',
    ].join('\n'),
  );
  return 'setup-link';
}
