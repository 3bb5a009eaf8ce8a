import { openDatabase, type StrataDb } from './database.js';
import { migrateToLatest } from './migrate.js';
import { assertRuntimeRoleIsolated, currentRole, grantRuntimeAccess } from './runtime-role.js';
import { assertSupportedServer } from './server-version.js';

/** Where Strata connects: as the runtime role, and as the schema's owner for migrations. */
export interface DatabaseUrls {
  /** The runtime role (`DATABASE_URL`, or the embedded `strata_app`). */
  runtimeUrl: string;
  /** The owner (`STRATA_MIGRATION_DATABASE_URL`, or the embedded superuser); the runtime URL when absent. */
  ownerUrl?: string | undefined;
}

/**
 * Migrates as the owner, grants the runtime role its privileges, then opens the runtime pool and
 * refuses (closing it) when its role is not bound by row-level security. Without an owner URL
 * the runtime URL migrates, so it owns the tables and is refused: the message names the fix.
 */
export async function openMigratedDatabase(
  urls: DatabaseUrls,
  options: { max?: number } = {},
): Promise<{ strata: StrataDb; applied: string[] }> {
  const ownerUrl = urls.ownerUrl ?? urls.runtimeUrl;
  const strata = openDatabase(urls.runtimeUrl, options);
  try {
    await assertSupportedServer(strata.db);
    const owner = openDatabase(ownerUrl, { max: 1 });
    let applied: string[];
    try {
      applied = await migrateToLatest(owner);
      if (ownerUrl !== urls.runtimeUrl) await grantRuntimeAccess(owner.db, await currentRole(strata.db));
    } finally {
      await owner.close();
    }
    await assertRuntimeRoleIsolated(strata.db);
    return { strata, applied };
  } catch (error) {
    await strata.close();
    throw error;
  }
}
