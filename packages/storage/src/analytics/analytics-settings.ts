import { analyticsSettingsOf, type AnalyticsSettings } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** The workspace's analytics settings, defaults for what it never set. */
export async function readAnalyticsSettings(scope: WorkspaceScope): Promise<AnalyticsSettings> {
  const row = await scope.db
    .selectFrom('workspaces')
    .select('analytics_settings')
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
  return analyticsSettingsOf(row?.analytics_settings ?? null);
}

/** Replaces the workspace's analytics settings. */
export async function writeAnalyticsSettings(scope: WorkspaceScope, settings: AnalyticsSettings): Promise<void> {
  await scope.db
    .updateTable('workspaces')
    .set({ analytics_settings: JSON.stringify(settings) })
    .where('workspace_id', '=', scope.workspaceId)
    .execute();
}
