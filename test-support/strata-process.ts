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
export function startStrataProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<StrataProcess> {
  const child = spawn(process.execPath, [bin, 'start'], {
    env: { ...process.env, PORT: '0', STRATA_DEMO: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
  return new Promise((resolve, reject) => {
    let port: number | undefined;
    const timer = setTimeout(() => reject(new Error(`strata did not become ready:\n${output.join('\n')}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`strata exited with ${code} before it was ready:\n${output.join('\n')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      try {
        const entry = JSON.parse(line) as { port?: number; msg?: string };
        if (entry.port !== undefined) port = entry.port;
        if (entry.msg === 'Strata is ready' && port !== undefined) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve({ child, url: `http://127.0.0.1:${port}`, output });
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
