import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive, processStartTicks } from './process-liveness.js';

/** What {@link superviseTheStartedPostmaster} needs to watch and restart one cluster. */
export interface PostmasterSupervision {
  clusterDir: string;
  /** Starts the postmaster on the same port and data (`pg_ctl start -w`); resolves once it accepts connections. */
  start(): Promise<void>;
  log(message: string): void;
  /** How often the postmaster's pid is looked at. */
  checkEveryMs?: number;
  /** Wait after a failed restart, doubled per failure up to 30 s. */
  firstRetryMs?: number;
}

/** A running watch; `stop` ends it (waiting for a restart under way) before the cluster is stopped on purpose. */
export interface PostmasterWatch {
  stop(): Promise<void>;
}

interface Postmaster {
  pid: number;
  startTicks: number | undefined;
}

/** The postmaster named by `postmaster.pid`, if the file is there. */
export async function readPostmaster(clusterDir: string): Promise<Postmaster | undefined> {
  const text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, startTicks: processStartTicks(pid) };
}

/**
 * Watches the postmaster that was just started and starts it again when it dies (kill -9, OOM
 * killer, a PANIC it could not recover from): PostgreSQL then runs crash recovery from its WAL,
 * so everything committed is there again. Restarts are retried with backoff, because the old
 * backends may still hold shared memory for a moment, or the disk may be full.
 */
export async function superviseTheStartedPostmaster(options: PostmasterSupervision): Promise<PostmasterWatch> {
  const checkEveryMs = options.checkEveryMs ?? 1_000;
  const firstRetryMs = options.firstRetryMs ?? 1_000;
  let current = await readPostmaster(options.clusterDir);
  let stopped = false;
  let restarting: Promise<void> | undefined;
  let cancelWait: (() => void) | undefined;

  const restart = async (dead: Postmaster) => {
    const since = Date.now();
    options.log(`embedded PostgreSQL (pid ${dead.pid}) exited unexpectedly; restarting it on the same port and data (crash recovery)`);
    for (let wait = firstRetryMs; !stopped; wait = Math.min(wait * 2, 30_000)) {
      try {
        await options.start();
        current = await readPostmaster(options.clusterDir);
        options.log(`embedded PostgreSQL restarted (pid ${current?.pid ?? '?'}) after ${((Date.now() - since) / 1000).toFixed(1)} s`);
        return;
      } catch (error) {
        options.log(`embedded PostgreSQL did not restart yet; trying again in ${wait / 1000} s: ${lastLine(error)}`);
        await new Promise<void>((resolve) => {
          const pause = setTimeout(resolve, wait);
          cancelWait = () => {
            clearTimeout(pause);
            resolve();
          };
        });
      }
    }
  };

  const timer = setInterval(() => {
    if (stopped || restarting || !current || isProcessAlive(current.pid, current.startTicks)) return;
    restarting = restart(current).finally(() => (restarting = undefined));
  }, checkEveryMs);
  // The watch alone must not keep the process alive.
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      cancelWait?.();
      await restarting;
    },
  };
}

/** The last line of a failed start is PostgreSQL's own last word from its log, the useful part. */
function lastLine(error: unknown): string {
  const lines = String(error instanceof Error ? error.message : error)
    .split('\n')
    .filter((line) => line.trim() !== '');
  return lines.at(-1) ?? '';
}
