import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Starts `strata start` as a separate OS process (so its memory and CPU are its own, as in
 * production) and resolves once it says it is ready, with the loopback address it listens on.
 */
export async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  let port: number | undefined;
  const child = await startStrataProcess('start', env, (entry) => {
    if (entry.port !== undefined) port = entry.port;
    return entry.msg === 'Strata is ready' && port !== undefined;
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/**
 * Starts `strata worker` as a separate OS process and resolves once it runs. With no
 * `DATABASE_URL` in `env` it uses the embedded PostgreSQL of the `strata start` on the same
 * `STRATA_DATA_DIR`, which must be running.
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  return startStrataProcess('worker', env, (entry) => entry.msg === 'Strata worker is running (no HTTP)');
}

/** Stops a Strata process as its operator would (SIGTERM, it finishes the work in hand) and waits for it to exit. */
export async function stopStrataProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Spawns `strata <command>` with info logs on stdout and resolves once a log line satisfies
 * `ready`; its stdout is read to the end, so the pipe never fills and blocks it.
 */
async function startStrataProcess(
  command: 'start' | 'worker',
  env: Record<string, string>,
  ready: (entry: { port?: number; msg?: string }) => boolean,
): Promise<ChildProcess> {
  const bin = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));
  const child = spawn(process.execPath, [bin, command], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`strata ${command} exited with ${code} during start`));
    child.once('exit', exited);
    lines.on('line', (line) => {
      try {
        if (!ready(JSON.parse(line) as { port?: number; msg?: string })) return;
      } catch {
        // Not a log line (the bootstrap announcement): ignore.
        return;
      }
      child.off('exit', exited);
      resolve(child);
    });
  });
}

/**
 * A server of its own: a fresh embedded PostgreSQL in a new folder, with bootstrap keys the
 * benchmark knows; `env` adds settings (the benchmark's webhook receiver is on loopback). The
 * settings it started with come back as `env`, to start it again on the same folder.
 */
export async function startFreshServer(
  folderPrefix: string,
  progress: (text: string) => void,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; dataDir: string; writeKey: string; adminKey: string; env: Record<string, string> }> {
  const dataDir = await mkdtemp(join(tmpdir(), folderPrefix));
  const writeKey = `wk_bench_${randomBytes(16).toString('hex')}`;
  const adminKey = `sk_bench_${randomBytes(16).toString('hex')}`;
  progress(`starting Strata on a fresh embedded PostgreSQL in ${dataDir}`);
  const serverEnv = {
    PORT: '0',
    STRATA_DATA_DIR: dataDir,
    STRATA_BOOTSTRAP_ADMIN_KEY: adminKey,
    STRATA_BOOTSTRAP_WRITE_KEY: writeKey,
    STRATA_DEMO: 'false',
    LOG_LEVEL: 'warn',
    ...env,
  };
  const { child, url } = await startServer(serverEnv);
  return { child, url, dataDir, writeKey, adminKey, env: serverEnv };
}

/** The machine a benchmark ran on, for its results. */
export function describeMachine(): { cpus: number; cpu: string; memory_gib: number; node: string } {
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}
