import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

export type IntegrationRow = Selectable<Database['integrations']>;

/** Sets a provider's (encrypted) secret and, for a help desk connected by webhook, its mapping; the URL token is kept once issued so configured webhooks keep working. */
export async function upsertIntegration(
  scope: WorkspaceScope,
  input: { provider: string; secretCiphertext: Buffer | null; newUrlToken: string; config?: unknown },
): Promise<IntegrationRow> {
  const { db, workspaceId } = scope;
  const config = input.config === undefined ? null : JSON.stringify(input.config);
  return db
    .insertInto('integrations')
    .values({
      workspace_id: workspaceId,
      provider: input.provider,
      secret_ciphertext: input.secretCiphertext,
      url_token: input.newUrlToken,
      config,
    })
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'provider'])
        .doUpdateSet({ secret_ciphertext: input.secretCiphertext, config, updated_at: scope.clock() }),
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

/** The workspace's connected providers, by name. */
export async function listIntegrations(scope: WorkspaceScope): Promise<IntegrationRow[]> {
  const { db, workspaceId } = scope;
  return db.selectFrom('integrations').selectAll().where('workspace_id', '=', workspaceId).orderBy('provider').execute();
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

/** The longest refusal reason kept: enough for "field: message", never a payload. */
export const maxDeliveryErrorLength = 200;

/**
 * Counts one delivery to the integration a webhook URL names: accepted, or refused with why.
 * A statement of its own, `n = n + 1`, so concurrent deliveries each count; it holds the row
 * lock only for itself. The URL token is part of the key, so a delivery to a URL that was
 * disconnected and connected again meanwhile counts nowhere.
 */
export async function recordWebhookDelivery(
  scope: WorkspaceScope,
  delivery: { provider: string; urlToken: string; at: Date; refused?: string | undefined },
): Promise<void> {
  const { db, workspaceId } = scope;
  const { at, refused } = delivery;
  await db
    .updateTable('integrations')
    .set((eb) => ({
      // Deliveries handled concurrently may finish out of order: keep the latest instant.
      last_delivery_at: sql<Date>`greatest(last_delivery_at, ${at}::timestamptz)`,
      ...(refused === undefined
        ? { deliveries_accepted: eb('deliveries_accepted', '+', 1) }
        : {
            deliveries_refused: eb('deliveries_refused', '+', 1),
            last_error_at: at,
            last_error: refused.slice(0, maxDeliveryErrorLength),
          }),
    }))
    .where('workspace_id', '=', workspaceId)
    .where('provider', '=', delivery.provider)
    .where('url_token', '=', delivery.urlToken)
    .execute();
}
