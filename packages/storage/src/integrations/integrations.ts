import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

export type IntegrationRow = Selectable<Database['integrations']>;

/** Sets a provider's (encrypted) secret; the URL token is kept once issued so configured webhooks keep working. */
export async function upsertIntegration(
  scope: WorkspaceScope,
  input: { provider: string; secretCiphertext: Buffer | null; newUrlToken: string },
): Promise<IntegrationRow> {
  const { db, workspaceId } = scope;
  return db
    .insertInto('integrations')
    .values({
      workspace_id: workspaceId,
      provider: input.provider,
      secret_ciphertext: input.secretCiphertext,
      url_token: input.newUrlToken,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'provider']).doUpdateSet({ secret_ciphertext: input.secretCiphertext, updated_at: scope.clock() }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findIntegration(scope: WorkspaceScope, provider: string): Promise<IntegrationRow | undefined> {
  const { db, workspaceId } = scope;
  return db
    .selectFrom('integrations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

/** The integration a webhook URL names; tokens are unique across workspaces. */
export async function findIntegrationByToken(
  db: Kysely<Database>,
  provider: string,
  urlToken: string,
): Promise<IntegrationRow | undefined> {
  return db.selectFrom('integrations').selectAll().where('provider', '=', provider).where('url_token', '=', urlToken).executeTakeFirst();
}

export async function deleteIntegration(scope: WorkspaceScope, provider: string): Promise<boolean> {
  const { db, workspaceId } = scope;
  const result = await db
    .deleteFrom('integrations')
    .where('workspace_id', '=', workspaceId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
