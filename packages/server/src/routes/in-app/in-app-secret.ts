import type { SecretBox } from '@strata/engine';
import { findInAppSecret, saveInAppSecret, type WorkspaceScope } from '@strata/storage';
import { generateInAppSecret } from './user-hash.js';

/** The workspace's in-app secret, opened; undefined until an admin first reads or rotates it. */
export async function readInAppSecret(scope: WorkspaceScope, box: SecretBox): Promise<string | undefined> {
  const sealed = await findInAppSecret(scope);
  return sealed && box.open(sealed);
}

/** The workspace's in-app secret, made (and stored sealed) on first use. */
export async function ensureInAppSecret(scope: WorkspaceScope, box: SecretBox): Promise<string> {
  const existing = await readInAppSecret(scope, box);
  if (existing !== undefined) return existing;
  return box.open(await saveInAppSecret(scope, box.seal(generateInAppSecret()), { ifAbsent: true }));
}

/** Replaces the workspace's secret: every hash made with the old one stops working at once. */
export async function rotateInAppSecret(scope: WorkspaceScope, box: SecretBox): Promise<string> {
  const secret = generateInAppSecret();
  await saveInAppSecret(scope, box.seal(secret));
  return secret;
}
