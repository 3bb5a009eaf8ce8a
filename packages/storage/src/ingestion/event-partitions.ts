import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Per database handle, the month keys (`2026-11`) whose partition is known to exist. */
const knownByDb = new WeakMap<object, Set<string>>();

/** The month key of an instant, in UTC. */
export function monthKey(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** Thrown, before any partition is made, when a call would create more than its `maxNew`. */
export class TooManyNewPartitionsError extends Error {
  constructor(
    readonly wanted: number,
    readonly limit: number,
  ) {
    super(`the events span ${wanted} months without a partition yet; at most ${limit} may be created at once`);
    this.name = 'TooManyNewPartitionsError';
  }
}

/**
 * Makes sure the monthly partitions of `events` exist for these months. Runs in its own short
 * transaction, serialised by an advisory lock, because creating a partition locks the parent.
 * With `maxNew`, refuses (creating none) when more than that many would be new.
 */
export async function ensureEventPartitions(
  db: Kysely<Database>,
  months: Iterable<string>,
  options: { maxNew?: number } = {},
): Promise<void> {
  let known = knownByDb.get(db);
  if (!known) knownByDb.set(db, (known = new Set()));
  const missing = [...new Set(months)].filter((m) => !known.has(m)).sort();
  if (missing.length === 0) return;
  await db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('strata:event-partitions'))`.execute(tx);
    const { rows } = await sql<{ name: string }>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'events'::regclass`.execute(tx);
    const existing = new Set(rows.map((r) => r.name));
    const partitionName = (month: string) => `events_${month.replace('-', '_')}`;
    const wanted = missing.filter((month) => !existing.has(partitionName(month))).length;
    if (options.maxNew !== undefined && wanted > options.maxNew) throw new TooManyNewPartitionsError(wanted, options.maxNew);
    // Made by the schema's owner (migration 0011): the runtime role does not own `events`.
    for (const month of missing)
      if (!existing.has(partitionName(month))) await sql`SELECT strata_create_event_partition(${month})`.execute(tx);
  });
  for (const m of missing) known.add(m);
}
