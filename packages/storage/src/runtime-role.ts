import { sql, type Kysely } from 'kysely';
import { jobSchema } from './jobs/index.js';

/**
 * Strata runs as a role that row-level security binds: not a superuser, without BYPASSRLS, and
 * owning no table (an owner could turn the policies off). Migrations run as the owner, which
 * then grants the runtime role what it needs here.
 */

/** The runtime role Strata creates in its embedded PostgreSQL. */
export const embeddedRuntimeRole = 'strata_app';

const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Creates the embedded cluster's runtime role, or brings an existing one back to what it must be
 * (login with this password, no superuser, no BYPASSRLS). Run by the owner (the superuser).
 */
export async function ensureEmbeddedRuntimeRole<DB>(owner: Kysely<DB>, password: string): Promise<void> {
  const role = sql.id(embeddedRuntimeRole);
  const attributes = sql`LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${sql.raw(quoteLiteral(password))}`;
  const exists = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = ${embeddedRuntimeRole}`.execute(owner);
  if (exists.rows[0]?.n === 0) await sql`CREATE ROLE ${role} ${attributes}`.execute(owner);
  else await sql`ALTER ROLE ${role} ${attributes}`.execute(owner);
}

/**
 * What the runtime role may do, as SQL the owner runs (after every migration, and what the docs
 * tell operators): read and write the tables, use the sequences and functions of Strata's schema
 * and of the job queue's, and the same on tables later migrations add (default privileges).
 */
export function runtimeGrantsSql(role: string): string[] {
  const to = `TO ${quoteIdentifier(role)}`;
  return [`public`, jobSchema]
    .flatMap((schema) => [
      `GRANT USAGE ON SCHEMA ${schema} ${to}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} ${to}`,
      `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} ${to}`,
      `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} ${to}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES ${to}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES ${to}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT EXECUTE ON FUNCTIONS ${to}`,
    ])
    .concat(
      // The audit log is append-only: its trigger refuses changes for every role, and the runtime
      // role is not even granted them.
      `REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ${quoteIdentifier(role)}`,
    );
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * graphile-worker enables row-level security on its own tables, without policies, to keep every
 * role but their owner out; the runtime role takes and finishes jobs, so it gets a policy of its
 * own there. Jobs carry no workspace column: a task makes the scope its payload names. An existing
 * policy is altered, never dropped and made again: with no policy for a moment, a running process
 * would be refused ("new row violates row-level security policy for table _private_tasks").
 */
export function jobQueuePoliciesSql(role: string, tables: readonly string[]): string[] {
  const policy = (verb: string, table: string) =>
    `${verb} POLICY strata_runtime ON ${jobSchema}.${quoteIdentifier(table)} TO ${quoteIdentifier(role)} USING (true) WITH CHECK (true)`;
  return tables.map(
    (table) => `DO $$ BEGIN
  IF EXISTS (SELECT FROM pg_policies WHERE schemaname = ${quoteLiteral(jobSchema)} AND tablename = ${quoteLiteral(table)} AND policyname = 'strata_runtime')
  THEN ${policy('ALTER', table)};
  ELSE ${policy('CREATE', table)};
  END IF;
END $$`,
  );
}

/**
 * Grants the runtime role its privileges; run by the owner after migrating. Idempotent. Every
 * process runs this as it starts, so processes starting together take turns at the grants (two
 * granting on the same catalog rows at once fail one with "tuple concurrently updated"); the
 * policies follow statement by statement, since holding their table locks to the end of one
 * transaction would deadlock with processes adding jobs.
 */
export async function grantRuntimeAccess<DB>(owner: Kysely<DB>, role: string): Promise<void> {
  await owner.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('strata:runtime-grants'))`.execute(tx);
    for (const statement of runtimeGrantsSql(role)) await sql.raw(statement).execute(tx);
  });
  const secured = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${jobSchema} AND c.relkind IN ('r', 'p') AND c.relrowsecurity ORDER BY 1`.execute(owner);
  for (const statement of jobQueuePoliciesSql(
    role,
    secured.rows.map((r) => r.name),
  ))
    await sql.raw(statement).execute(owner);
}

/** The role a connection runs as. */
export async function currentRole<DB>(db: Kysely<DB>): Promise<string> {
  const row = await sql<{ role: string }>`SELECT current_user AS role`.execute(db);
  return row.rows[0]!.role;
}

/**
 * Why the role of `runtime` could see or change other workspaces' rows despite row-level
 * security: empty when it cannot. A superuser and a BYPASSRLS role skip the policies; the owner
 * of a table (or a member of its owner role) may switch them off.
 */
export async function runtimeRoleProblems<DB>(runtime: Kysely<DB>): Promise<string[]> {
  const row = await sql<{ role: string; superuser: boolean; bypass: boolean; owned: string[] }>`
    SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
      coalesce((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND pg_has_role(r.oid, c.relowner, 'USAGE')), '{}') AS owned
    FROM pg_roles r WHERE r.rolname = current_user`.execute(runtime);
  const r = row.rows[0]!;
  const problems: string[] = [];
  if (r.superuser) problems.push(`the role "${r.role}" is a superuser`);
  if (r.bypass) problems.push(`the role "${r.role}" has BYPASSRLS`);
  if (r.owned.length > 0)
    problems.push(`the role "${r.role}" owns (or is a member of the owner of) ${r.owned.length} tables, such as ${r.owned[0]}`);
  return problems;
}

/**
 * Refuses to run Strata as a role that row-level security does not bind, naming the fix: a
 * separate runtime role, with the owner's connection in STRATA_MIGRATION_DATABASE_URL.
 */
export async function assertRuntimeRoleIsolated<DB>(runtime: Kysely<DB>): Promise<void> {
  const problems = await runtimeRoleProblems(runtime);
  if (problems.length === 0) return;
  throw new Error(
    [
      `DATABASE_URL must connect as a role that row-level security binds, but ${problems.join(', ')}.`,
      'Create a runtime role and give the owner connection to the migrations instead, as the owner (see docs/operations.md, "Database roles"):',
      `  CREATE ROLE strata_app LOGIN PASSWORD '…' NOSUPERUSER NOBYPASSRLS;`,
      'then set DATABASE_URL=postgres://strata_app:…@host/db and STRATA_MIGRATION_DATABASE_URL=postgres://<owner>:…@host/db (Strata grants strata_app its privileges after migrating).',
    ].join('\n'),
  );
}
