import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { databaseUnavailableReason } from './database-unavailable.js';
import type { Database } from './schema.js';
import { registerPool } from './workspace-database.js';

// int8 (counts, bigserial ids) arrives as a string by default; the counts and ids Strata reads fit
// in a double. numeric stays exact text: see CONTEXT.md, "Numbers and money".
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** What a health probe found: the database answers, or why it does not. */
export type DatabaseHealth = { ok: true } | { ok: false; reason: string };

/** An open connection pool with its Kysely instance. */
export interface StrataDb {
  db: Kysely<Database>;
  pool: pg.Pool;
  /** Asks the database for `SELECT 1` on a connection of its own, so a busy pool does not make it look down. */
  checkHealth: () => Promise<DatabaseHealth>;
  close(): Promise<void>;
}

// A request waits at most this long for a connection (an unreachable host would hang a TCP connect for minutes).
const connectionTimeoutMs = 15_000;
const probeTimeoutMs = 3_000;
// Health is asked by load balancers and scripts, possibly often; one probe per second is plenty.
const probeCacheMs = 1_000;

/** Opens a pool against `url`; connections lost when the server goes away are replaced when it returns. */
export function openDatabase(url: string, options: { max?: number } = {}): StrataDb {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 20,
    application_name: 'strata',
    connectionTimeoutMillis: connectionTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  ignoreConnectionErrors(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  registerPool(db, pool);
  let probePool: pg.Pool | undefined;
  let lastProbe: { at: number; health: Promise<DatabaseHealth> } | undefined;
  const probe = async (): Promise<DatabaseHealth> => {
    probePool ??= ignoreConnectionErrors(
      new pg.Pool({
        connectionString: url,
        max: 1,
        application_name: 'strata-health',
        connectionTimeoutMillis: probeTimeoutMs,
        query_timeout: probeTimeoutMs,
      }),
    );
    try {
      await probePool.query('SELECT 1');
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: databaseUnavailableReason(error) ?? (error instanceof Error ? error.message : String(error)) };
    }
  };
  return {
    db,
    pool,
    checkHealth: () => {
      const now = Date.now();
      if (!lastProbe || now - lastProbe.at >= probeCacheMs) lastProbe = { at: now, health: probe() };
      return lastProbe.health;
    },
    async close() {
      await db.destroy();
      await probePool?.end();
    },
  };
}

/**
 * A client whose server went away emits 'error', idle in the pool or checked out by a query or
 * transaction; without a listener Node ends the process. The query in flight fails with the same
 * error (and the caller answers 503), and the pool drops the broken client, so nothing is lost by
 * ignoring the event itself.
 */
function ignoreConnectionErrors(pool: pg.Pool): pg.Pool {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
