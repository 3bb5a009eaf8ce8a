import type { WorkspaceScope } from '../workspace-scope.js';

/** A frequency cap: at most `max` marketing emails to a person in any `days` days. */
export interface FrequencyCap {
  max: number;
  days: number;
}

/** A workspace's SMTP settings as stored; the password stays sealed (base64) here. */
export interface EmailSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  sealedPassword: string | null;
  from: string;
  frequencyCap: FrequencyCap | null;
  updatedAt: Date;
}

export async function readEmailSettings(scope: WorkspaceScope): Promise<EmailSettings | undefined> {
  const row = await scope.db.selectFrom('email_settings').selectAll().where('workspace_id', '=', scope.workspaceId).executeTakeFirst();
  if (!row) return undefined;
  return {
    host: row.host,
    port: row.port,
    secure: row.secure,
    user: row.username,
    sealedPassword: row.password_ciphertext,
    from: row.from_address,
    frequencyCap: row.frequency_cap as FrequencyCap | null,
    updatedAt: row.updated_at,
  };
}

/** Creates or replaces the workspace's SMTP settings. */
export async function writeEmailSettings(scope: WorkspaceScope, settings: Omit<EmailSettings, 'updatedAt'>): Promise<void> {
  const values = {
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    username: settings.user,
    password_ciphertext: settings.sealedPassword,
    from_address: settings.from,
    frequency_cap: settings.frequencyCap === null ? null : JSON.stringify(settings.frequencyCap),
    updated_at: scope.clock(),
  };
  await scope.db
    .insertInto('email_settings')
    .values({ workspace_id: scope.workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
}
