import { workspaceBusinessHours, type BusinessHours } from '@strata/core';
import { readWorkspaceHours } from '@strata/storage';
import type { WorkspaceScope } from '@strata/storage';

/** The workspace's business hours, the defaults filled in. */
export async function loadBusinessHours(scope: WorkspaceScope): Promise<BusinessHours> {
  const { timezone, businessHours } = await readWorkspaceHours(scope);
  return workspaceBusinessHours(timezone, businessHours);
}
