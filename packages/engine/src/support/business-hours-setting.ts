import type { Kysely } from 'kysely';
import { defaultBusinessHours, type BusinessHours } from '@strata/core';
import { readWorkspaceHours, type Database } from '@strata/storage';

/** The workspace's business hours, the defaults filled in. */
export async function loadBusinessHours(db: Kysely<Database>, workspaceId: string): Promise<BusinessHours> {
  const { timezone, businessHours } = await readWorkspaceHours(db, workspaceId);
  if (!businessHours) return defaultBusinessHours(timezone);
  return { ...businessHours, timezone: businessHours.timezone ?? timezone };
}
