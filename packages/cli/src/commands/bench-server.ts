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
  const bin = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'start'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    let port: number | undefined;
    child.once('exit', (code) => reject(new Error(`Strata exited with ${code} during start`)));
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { port?: number; msg?: string };
        if (entry.port !== undefined) port = entry.port;
        if (entry.msg === 'Strata is ready' && port !== undefined) resolve({ child, url: `http://127.0.0.1:${port}` });
      } catch {
        // Not a log line (the bootstrap announcement): ignore.
      }
    });
  });
}

/**
 * A server of its own: a fresh embedded PostgreSQL in a new folder, with bootstrap keys the
 * benchmark knows; `env` adds settings (the benchmark's webhook receiver is on loopback).
 */
export async function startFreshServer(
  folderPrefix: string,
  progress: (text: string) => void,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; dataDir: string; writeKey: string; adminKey: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), folderPrefix));
  const writeKey = `wk_bench_${randomBytes(16).toString('hex')}`;
  const adminKey = `sk_bench_${randomBytes(16).toString('hex')}`;
  progress(`starting Strata on a fresh embedded PostgreSQL in ${dataDir}`);
  const { child, url } = await startServer({
    PORT: '0',
    STRATA_DATA_DIR: dataDir,
    STRATA_BOOTSTRAP_ADMIN_KEY: adminKey,
    STRATA_BOOTSTRAP_WRITE_KEY: writeKey,
    STRATA_DEMO: 'false',
    LOG_LEVEL: 'warn',
    ...env,
  });
  return { child, url, dataDir, writeKey, adminKey };
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
