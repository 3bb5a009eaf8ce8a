import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  PostgresDriver,
  type DatabaseConnection,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type TransactionSettings,
  type UnknownRow,
} from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.js';

/**
 * Row-level security (migration 0011) shows a connection only the rows of the workspace named
 * by `app.workspace_id`. This module gives each workspace a Kysely on the shared pool whose
 * every statement runs with that setting, set for its transaction only (`set_config(…, true)`,
 * which is `SET LOCAL`): a transaction begun on it sets it with its BEGIN (one round trip), and
 * a statement outside a transaction runs as BEGIN + setting, the statement, COMMIT on one
 * connection. A connection goes back to the pool without the setting, because the transaction
 * that held it has ended.
 */

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The statement that sets a workspace for the current transaction. */
export function setWorkspaceSql(workspaceId: string): string {
  // Sent as simple-protocol text next to BEGIN (one round trip), so the id is checked, not escaped.
  if (!uuidPattern.test(workspaceId)) throw new Error(`workspace id ${JSON.stringify(workspaceId)} is not a uuid`);
  return `SELECT set_config('app.workspace_id', '${workspaceId}', true)`;
}

/** A no-op plugin that marks a Kysely (and the transactions begun on it) as one workspace's. */
class WorkspaceMark implements KyselyPlugin {
  constructor(readonly workspaceId: string) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/** The workspace a Kysely (or a transaction begun on it) is bound to, if any. */
export function workspaceOfDatabase(db: Kysely<Database>): string | undefined {
  return db.getExecutor().plugins.find((p): p is WorkspaceMark => p instanceof WorkspaceMark)?.workspaceId;
}

/** A connection that knows whether it is inside a transaction its driver began. */
class WorkspaceConnection implements DatabaseConnection {
  inTransaction = false;
  constructor(
    readonly inner: DatabaseConnection,
    private readonly setWorkspace: string,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction) return this.inner.executeQuery<R>(query);
    await this.inner.executeQuery(CompiledQuery.raw(`BEGIN; ${this.setWorkspace}`));
    try {
      const result = await this.inner.executeQuery<R>(query);
      await this.inner.executeQuery(CompiledQuery.raw('COMMIT'));
      return result;
    } catch (error) {
      await this.inner.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => undefined);
      throw error;
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.inTransaction) {
      yield* this.inner.streamQuery<R>(query, chunkSize);
      return;
    }
    await this.inner.executeQuery(CompiledQuery.raw(`BEGIN; ${this.setWorkspace}`));
    let committed = false;
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
      await this.inner.executeQuery(CompiledQuery.raw('COMMIT'));
      committed = true;
    } finally {
      if (!committed) await this.inner.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => undefined);
    }
  }
}

/** PostgreSQL's driver on the shared pool, with every transaction bound to one workspace. */
class WorkspaceDriver extends PostgresDriver {
  private readonly setWorkspace: string;
  constructor(pool: pg.Pool, workspaceId: string) {
    super({ pool });
    this.setWorkspace = setWorkspaceSql(workspaceId);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new WorkspaceConnection(await super.acquireConnection(), this.setWorkspace);
  }

  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as WorkspaceConnection;
    const begin = ['START TRANSACTION', settings.isolationLevel && `ISOLATION LEVEL ${settings.isolationLevel}`, settings.accessMode]
      .filter(Boolean)
      .join(' ');
    await c.inner.executeQuery(CompiledQuery.raw(`${begin}; ${this.setWorkspace}`));
    c.inTransaction = true;
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as WorkspaceConnection;
    c.inTransaction = false;
    await c.inner.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as WorkspaceConnection;
    c.inTransaction = false;
    await c.inner.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await super.releaseConnection((connection as WorkspaceConnection).inner as Parameters<PostgresDriver['releaseConnection']>[0]);
  }

  // The pool is shared with the root Kysely, which closes it.
  override async destroy(): Promise<void> {}
}

/** The pool behind each root Kysely that `openDatabase` made. */
const poolOf = new WeakMap<Kysely<Database>, pg.Pool>();
/** Per pool, the workspace Kyselys made lately (most recent last): one per workspace, not per request. */
const scopedByPool = new WeakMap<pg.Pool, Map<string, Kysely<Database>>>();
const cacheSize = 256;

/** Registers the pool of a root Kysely so that workspace scopes can be made from it. */
export function registerPool(db: Kysely<Database>, pool: pg.Pool): void {
  poolOf.set(db, pool);
}

/**
 * The Kysely of `workspaceId` on the same pool as `db`. `db` is a root Kysely from
 * `openDatabase`, or already this workspace's Kysely or a transaction begun on it.
 */
export function databaseForWorkspace(db: Kysely<Database>, workspaceId: string): Kysely<Database> {
  const bound = workspaceOfDatabase(db);
  if (bound === workspaceId) return db;
  if (bound !== undefined || db.isTransaction)
    throw new Error(
      `a scope of workspace ${workspaceId} was made on ${bound ? `workspace ${bound}'s database` : 'a transaction'}: make the scope on the database and begin the transaction with inWorkspaceTransaction`,
    );
  const pool = poolOf.get(db);
  if (!pool) throw new Error('a workspace scope needs a database opened with openDatabase');
  let cache = scopedByPool.get(pool);
  if (!cache) scopedByPool.set(pool, (cache = new Map<string, Kysely<Database>>()));
  let scoped = cache.get(workspaceId);
  if (scoped) cache.delete(workspaceId);
  else
    scoped = new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresDialect({ pool }).createAdapter(),
        createDriver: () => new WorkspaceDriver(pool, workspaceId),
        createIntrospector: (k) => new PostgresDialect({ pool }).createIntrospector(k),
        createQueryCompiler: () => new PostgresDialect({ pool }).createQueryCompiler(),
      },
      plugins: [new WorkspaceMark(workspaceId)],
    });
  cache.set(workspaceId, scoped);
  if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
  return scoped;
}
