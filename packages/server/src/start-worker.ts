import { setTimeout as sleep } from 'node:timers/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { ensureHealthFieldsRegistered, SecretBox, type BackgroundRuntime } from '@strata/engine';
import { findRunningEmbeddedPostgres, openMigratedDatabase, type DatabaseUrls, type StrataDb } from '@strata/storage';
import { createBackgroundRuntime } from './background.js';
import type { StrataConfig } from './config.js';
import { embeddedSecretKey } from './embedded-secret-key.js';
import { outboundPost } from './outbound-post.js';

export interface RunningWorker {
  db: StrataDb;
  runtime: BackgroundRuntime;
  stop(): Promise<void>;
}

/**
 * Starts a worker: live segments, sweeps, change subscribers and jobs, no HTTP. It uses
 * `DATABASE_URL`, else the embedded PostgreSQL of a `strata start` on the same data folder,
 * waiting for one to come up (`waitMs`, a minute by default).
 */
export async function startWorker(
  config: StrataConfig,
  options: { logger: Logger; now?: () => Date; waitMs?: number },
): Promise<RunningWorker> {
  ensureHealthFieldsRegistered();
  const { logger } = options;
  const dataDir = resolve(config.dataDir);
  const urls: DatabaseUrls = config.databaseUrl
    ? { runtimeUrl: config.databaseUrl, ownerUrl: config.migrationDatabaseUrl }
    : await waitForEmbedded(dataDir, options.waitMs ?? 60_000, logger);
  const { strata: db, applied } = await openMigratedDatabase(urls);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
  let runtime: BackgroundRuntime | undefined;
  try {
    const secretKey = config.secretKey ?? (config.databaseUrl ? undefined : embeddedSecretKey(dataDir));
    if (!secretKey) logger.warn('STRATA_SECRET_KEY is not set: webhooks cannot be signed until it is');
    runtime = createBackgroundRuntime(db, config, {
      logger,
      now: options.now ?? (() => new Date()),
      secrets: secretKey ? new SecretBox(secretKey) : undefined,
      post: outboundPost(config),
      // A worker has no address of its own: links in emails need STRATA_PUBLIC_URL, else they name the server's default port on loopback.
      publicUrl: config.publicUrl ?? `http://127.0.0.1:${config.port}`,
    });
    await runtime.start();
  } catch (error) {
    await runtime?.stop();
    await db.close();
    throw error;
  }
  logger.info('Strata worker is running (no HTTP)');
  const running = runtime;
  let stopping: Promise<void> | undefined;
  return {
    db,
    runtime: running,
    stop() {
      stopping ??= (async () => {
        logger.info('stopping: finishing running work');
        await running.stop();
        await db.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

async function waitForEmbedded(dataDir: string, waitMs: number, logger: Logger): Promise<DatabaseUrls> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    const found = await findRunningEmbeddedPostgres(dataDir);
    if (found) return { runtimeUrl: found.runtimeUrl, ownerUrl: found.url };
    if (Date.now() > deadline)
      throw new Error(
        `no running Strata found on ${dataDir}: start \`strata start\` with the same STRATA_DATA_DIR first, or set DATABASE_URL`,
      );
    if (!told) logger.info({ dataDir }, 'waiting for `strata start` to bring up the embedded PostgreSQL');
    told = true;
    await sleep(500);
  }
}
