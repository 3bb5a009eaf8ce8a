import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadSampleData, SecretBox, type BackgroundRuntime, type SegmentEngine } from '@strata/engine';
import {
  createApiKey,
  createWorkspace,
  findWorkspaceBySlug,
  listWorkspaces,
  openMigratedDatabase,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type StrataDb,
  workspaceScope,
} from '@strata/storage';
import { createBackgroundRuntime } from './background.js';
import { buildApp } from './build-app.js';
import { embeddedSecretKey } from './embedded-secret-key.js';
import { outboundPost } from './outbound-post.js';
import type { StrataConfig } from './config.js';
import { isLoopbackHost } from './http/public-url.js';
import { bootstrapOwner, shareDemoWithOwners } from './routes/users/index.js';

/** A running Strata. */
export interface RunningStrata {
  url: string;
  port: number;
  db: StrataDb;
  engine: SegmentEngine;
  /** Live segments, change subscribers and jobs of this process. */
  runtime: BackgroundRuntime;
  /** Finishes in-flight requests, closes the pool, stops embedded PostgreSQL. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  /** Prints keys generated on first start; they are shown nowhere else. */
  announce?: (text: string) => void;
  now?: () => Date;
  /** Test clusters may trade crash safety for speed. */
  durability?: 'durable' | 'fast';
}

/**
 * Starts Strata: listens at once (health answers 503), brings up PostgreSQL, migrates,
 * bootstraps the `default` workspace and the demo, then serves.
 */
export async function startStrata(config: StrataConfig, options: StartOptions): Promise<RunningStrata> {
  const { logger } = options;
  const announce = options.announce ?? ((text: string) => logger.warn(text));
  const strataApp = await buildApp({
    logger,
    ...(options.now ? { now: options.now } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    eventTimeWindow: config.eventTimeWindow,
    ingestRateLimit: config.ingestRateLimit,
    corsOrigins: config.corsOrigins,
    metricsAccess: config.metricsAccess,
    sessions: config.sessions,
    allowPrivateWebhooks: config.allowPrivateWebhooks,
  });
  const address = await strataApp.app.listen({ port: config.port, host: config.host });
  const port = Number(new URL(address).port);
  logger.info({ port, host: config.host }, `Strata listening on http://${config.host}:${port}`);
  if (!config.publicUrl && !isLoopbackHost(config.host))
    logger.warn(
      { host: config.host },
      'STRATA_PUBLIC_URL is not set: webhook URLs and survey links use the address Strata listens on, which people and providers may not reach; set it to the public address, such as https://strata.example.com',
    );

  let embedded: EmbeddedPostgres | undefined;
  let db: StrataDb | undefined;
  let runtime: BackgroundRuntime | undefined;
  try {
    const dataDir = resolve(config.dataDir);
    const freshDataDir = !existsSync(join(dataDir, 'pg', 'PG_VERSION'));
    let urls = config.databaseUrl ? { runtimeUrl: config.databaseUrl, ownerUrl: config.migrationDatabaseUrl } : undefined;
    if (!urls) {
      embedded = await startEmbeddedPostgres({
        dataDir,
        durability: options.durability ?? 'durable',
        log: (message, error) =>
          error === undefined
            ? logger.info({ component: 'postgres' }, message)
            : logger.warn({ component: 'postgres', err: error }, message),
      });
      urls = { runtimeUrl: embedded.runtimeUrl, ownerUrl: embedded.url };
    }
    // Migrations as the owner; everything else as the runtime role, bound by row-level security.
    const opened = await openMigratedDatabase(urls);
    db = opened.strata;
    const applied = opened.applied;
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');

    const emptyDatabase = (await listWorkspaces(db.db)).length === 0;
    const now = options.now ?? (() => new Date());
    await bootstrapDefaultWorkspace(db, config, now, announce);
    const defaultWorkspace = await findWorkspaceBySlug(db.db, 'default');
    if (defaultWorkspace)
      await bootstrapOwner(
        db.db,
        {
          workspaceId: defaultWorkspace.id,
          email: config.bootstrapAdmin?.email,
          password: config.bootstrapAdmin?.password,
          baseUrl: config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
          now,
        },
        announce,
      );
    if (config.demo ?? (emptyDatabase && (config.databaseUrl !== undefined || freshDataDir))) await createDemoWorkspace(db, now, logger);
    await shareDemoWithOwners(db.db);
    const secretKey = config.secretKey ?? (config.databaseUrl ? undefined : embeddedSecretKey(dataDir));
    if (!secretKey) logger.warn('STRATA_SECRET_KEY is not set: integrations, survey links and webhooks are unavailable until it is');
    const secrets = secretKey ? new SecretBox(secretKey) : undefined;
    runtime = createBackgroundRuntime(db, config, {
      logger,
      now,
      secrets,
      post: outboundPost(config),
      publicUrl: config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    });
    await runtime.start();
    strataApp.setServices({
      db: db.db,
      engine: runtime.segments,
      checkDatabase: db.checkHealth,
      ...(secrets ? { secrets } : {}),
    });
    logger.info('Strata is ready');
  } catch (error) {
    await strataApp.app.close();
    await runtime?.stop();
    await db?.close();
    await embedded?.stop();
    throw error;
  }

  const openDb = db;
  const runningRuntime = runtime;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    port,
    db: openDb,
    engine: runningRuntime.segments,
    runtime: runningRuntime,
    stop() {
      stopping ??= (async () => {
        logger.info('stopping: finishing in-flight requests');
        await strataApp.app.close();
        await runningRuntime.stop();
        await openDb.close();
        await embedded?.stop();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

async function bootstrapDefaultWorkspace(
  db: StrataDb,
  config: StrataConfig,
  now: () => Date,
  announce: (text: string) => void,
): Promise<void> {
  if (await findWorkspaceBySlug(db.db, 'default')) return;
  const workspace = await createWorkspace(db.db, { slug: 'default', name: 'Default' });
  const scope = workspaceScope(db.db, workspace.id, now);
  const admin = await createApiKey(scope, {
    name: 'bootstrap admin',
    scopes: ['admin'],
    ...(config.bootstrapAdminKey ? { secret: config.bootstrapAdminKey } : {}),
  });
  const write = await createApiKey(scope, {
    name: 'bootstrap write key',
    scopes: ['ingest'],
    ...(config.bootstrapWriteKey ? { secret: config.bootstrapWriteKey } : {}),
  });
  const lines = ['Created workspace "default".'];
  if (!config.bootstrapAdminKey) lines.push(`  admin API key (shown once): ${admin.secret}`);
  if (!config.bootstrapWriteKey) lines.push(`  write key (shown once):     ${write.secret}`);
  if (lines.length > 1) announce(lines.join('\n'));
}

async function createDemoWorkspace(db: StrataDb, now: () => Date, logger: Logger): Promise<void> {
  if (await findWorkspaceBySlug(db.db, 'demo')) return;
  logger.info('creating the demo workspace with generated sample data (size xs)');
  const workspace = await createWorkspace(db.db, { slug: 'demo', name: 'Demo' });
  const result = await loadSampleData(workspaceScope(db.db, workspace.id, now), db.pool, { size: 'xs', seed: 1 });
  logger.info(result, 'demo workspace filled');
}
