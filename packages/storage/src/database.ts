import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// int8 (counts, bigserial ids) and numeric arrive as strings by default; the values Strata reads fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** An open connection pool with its Kysely instance. */
export interface StrataDb {
  db: Kysely<Database>;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** Opens a pool against `url`. */
export function openDatabase(url: string, options: { max?: number } = {}): StrataDb {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 20, application_name: 'strata' });
  // An idle client whose server went away emits 'error'; without a listener Node would crash.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    close: () => db.destroy(),
  };
}
