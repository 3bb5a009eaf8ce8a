import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../packages/cli/bin/strata.js', import.meta.url));

/** A `strata start` child process, as a user runs it (from the build that `npm test` makes first). */
export interface StrataProcess {
  child: ChildProcess;
  url: string;
  output: string[];
}

export function strataBin(): string {
  return bin;
}

/** Starts `strata start` and resolves once it logs that it is ready (or rejects with its output). */
export async function startStrataProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<StrataProcess> {
  let port: number | undefined;
  const { child, output } = await spawnUntilReady('start', env, timeoutMs, (entry) => {
    if (entry.port !== undefined) port = entry.port;
    return entry.msg === 'Strata is ready' && port !== undefined;
  });
  return { child, url: `http://127.0.0.1:${port}`, output };
}

/** A `strata worker` child process: background work, no HTTP, so only its output and effects show it. */
export interface StrataWorkerProcess {
  child: ChildProcess;
  output: string[];
}

/** Starts `strata worker` and resolves once it logs that it is running (or rejects with its output). */
export function startStrataWorkerProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<StrataWorkerProcess> {
  return spawnUntilReady('worker', env, timeoutMs, (entry) => entry.msg === 'Strata worker is running (no HTTP)');
}

function spawnUntilReady(
  command: 'start' | 'worker',
  env: Record<string, string>,
  timeoutMs: number,
  isReady: (entry: { port?: number; msg?: string }) => boolean,
): Promise<StrataWorkerProcess> {
  const child = spawn(process.execPath, [bin, command], {
    env: { ...process.env, PORT: '0', STRATA_DEMO: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`strata ${command} did not become ready:\n${output.join('\n')}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`strata ${command} exited with ${code} before it was ready:\n${output.join('\n')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      try {
        if (isReady(JSON.parse(line) as { port?: number; msg?: string })) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve({ child, output });
        }
      } catch {
        // the key announcement is plain text
      }
    });
  });
}

/** Resolves with the exit code once the process ends. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
