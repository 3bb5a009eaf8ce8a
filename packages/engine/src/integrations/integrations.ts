import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findIntegrationByToken, upsertIntegration, type Database, type IntegrationRow, type WorkspaceScope } from '@strata/storage';
import type { SecretBox } from './secret-box.js';
import type { WebhookProvider } from './webhook-provider.js';

/** 32 random bytes: the URL token that names (and for Freshdesk authenticates) a workspace's webhook. */
function newUrlToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Stores a provider's secret, encrypted; keeps the webhook URL token once issued. */
export async function configureIntegration(
  scope: WorkspaceScope,
  box: SecretBox,
  provider: Pick<WebhookProvider, 'name'>,
  secret: string | null | undefined,
  config?: unknown,
): Promise<IntegrationRow> {
  return upsertIntegration(scope, {
    provider: provider.name,
    secretCiphertext: secret == null ? null : box.seal(secret),
    newUrlToken: newUrlToken(),
    config,
  });
}

/** The workspace, the clear secret and the configuration a webhook URL stands for, or undefined for an unknown token. */
export async function resolveWebhookTarget(
  db: Kysely<Database>,
  box: SecretBox,
  provider: string,
  urlToken: string,
): Promise<{ workspaceId: string; secret: string | null; config: unknown } | undefined> {
  const row = await findIntegrationByToken(db, provider, urlToken);
  if (!row) return undefined;
  return { workspaceId: row.workspace_id, secret: row.secret_ciphertext ? box.open(row.secret_ciphertext) : null, config: row.config };
}
