import { resolve } from 'node:path';
import { SecretBox } from '@strata/engine';
import { findRunningEmbeddedPostgres, openMigratedDatabase, startEmbeddedPostgres, type StrataDb } from '@strata/storage';
import { embeddedSecretKey, type StrataConfig } from '@strata/server';

/** A database for a one-off command, and how to let go of it. */
export interface CommandDatabase {
  strata: StrataDb;
  close(): Promise<void>;
}

/**
 * Opens Strata's database for a CLI command: `DATABASE_URL`, else the embedded PostgreSQL of a
 * running Strata on the same data folder, else an embedded PostgreSQL started for the command.
 */
export async function openCommandDatabase(
  config: StrataConfig,
  log: (message: string) => void = () => undefined,
): Promise<CommandDatabase> {
  const running = await findRunningEmbeddedPostgres(config.dataDir);
  const urls = config.databaseUrl
    ? { runtimeUrl: config.databaseUrl, ownerUrl: config.migrationDatabaseUrl }
    : running && { runtimeUrl: running.runtimeUrl, ownerUrl: running.url };
  if (urls) {
    const { strata } = await openMigratedDatabase(urls);
    return { strata, close: () => strata.close() };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
  let strata: StrataDb;
  try {
    strata = (await openMigratedDatabase({ runtimeUrl: embedded.runtimeUrl, ownerUrl: embedded.url })).strata;
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return {
    strata,
    async close() {
      await strata.close();
      await embedded.stop();
    },
  };
}

/**
 * The key a command checks ingestion against erased people with: from STRATA_SECRET_KEY, else the
 * embedded install's key file (as `strata start` reads it); undefined with an external database
 * and no key, where no erasure can have happened either.
 */
export function commandSuppressionKey(config: StrataConfig): Buffer | undefined {
  const master = config.secretKey ?? (config.databaseUrl ? undefined : embeddedSecretKey(resolve(config.dataDir)));
  return master ? new SecretBox(master).suppressionKey : undefined;
}
