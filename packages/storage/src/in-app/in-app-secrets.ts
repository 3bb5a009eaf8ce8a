import type { WorkspaceScope } from '../workspace-scope.js';

/** The workspace's sealed identity-verification secret; undefined before the first is made. */
export async function findInAppSecret(scope: WorkspaceScope): Promise<Buffer | undefined> {
  const row = await scope.db
    .selectFrom('in_app_secrets')
    .select('secret_ciphertext')
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
  return row?.secret_ciphertext;
}

/**
 * Stores a sealed secret: in place of the last one (a rotation), or only when there is none yet
 * (`ifAbsent`, so two first reads at once keep one secret). Answers the sealed secret that stands.
 */
export async function saveInAppSecret(scope: WorkspaceScope, sealed: Buffer, options: { ifAbsent?: boolean } = {}): Promise<Buffer> {
  const now = scope.clock();
  await scope.db
    .insertInto('in_app_secrets')
    .values({ workspace_id: scope.workspaceId, secret_ciphertext: sealed, rotated_at: now })
    .onConflict((oc) =>
      options.ifAbsent
        ? oc.column('workspace_id').doNothing()
        : oc.column('workspace_id').doUpdateSet({ secret_ciphertext: sealed, rotated_at: now }),
    )
    .execute();
  return (await findInAppSecret(scope)) ?? sealed;
}
