import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive, processStartTicks } from './process-liveness.js';

/** Held while a Strata process owns a data folder. */
export interface DataDirLock {
  release(): Promise<void>;
}

interface LockContent {
  pid: number;
  startedAt: string;
  /** The holder's start time from /proc, so a later process that reuses the pid is not taken for it. */
  startTicks?: number;
}

// A process killed with -9 a moment ago may still be exiting; look again for this long before refusing.
const holderRecheckMs = 2_000;
const holderRecheckIntervalMs = 200;

/**
 * Takes `strata.lock` in the data folder, refusing when another live Strata holds it.
 * A lock whose process is gone (the app was killed with -9) is stale and taken over.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, 'strata.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o644);
      const startTicks = processStartTicks(process.pid);
      const content: LockContent = {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        ...(startTicks !== undefined ? { startTicks } : {}),
      };
      await handle.writeFile(JSON.stringify(content));
      await handle.close();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readLock(path);
      if (holder && holder.pid !== process.pid && (await holderStaysAlive(holder))) {
        throw new Error(
          `another Strata (pid ${holder.pid}, started ${holder.startedAt}) is using the data folder ${dataDir}; stop it first or set STRATA_DATA_DIR to another folder`,
        );
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new Error(`could not take the lock ${path}; remove it if no Strata is running`);
}

/** Whether the lock's holder is (still) a live process after a short grace period. */
async function holderStaysAlive(holder: LockContent): Promise<boolean> {
  for (let waited = 0; isProcessAlive(holder.pid, holder.startTicks); waited += holderRecheckIntervalMs) {
    if (waited >= holderRecheckMs) return true;
    await new Promise((resolve) => setTimeout(resolve, holderRecheckIntervalMs));
  }
  return false;
}

/** Whether a live Strata holds the lock of `dataDir`. */
export async function isDataDirLockHeld(dataDir: string): Promise<boolean> {
  const holder = await readLock(join(dataDir, 'strata.lock'));
  return holder !== undefined && isProcessAlive(holder.pid, holder.startTicks);
}

async function readLock(path: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockContent>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      startedAt: String(parsed.startedAt),
      ...(typeof parsed.startTicks === 'number' ? { startTicks: parsed.startTicks } : {}),
    };
  } catch {
    // A lock cut short by a crash between open and write holds no pid: treat it as stale.
    return undefined;
  }
}
