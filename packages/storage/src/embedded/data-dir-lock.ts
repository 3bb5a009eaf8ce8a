import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Held while a Strata process owns a data folder. */
export interface DataDirLock {
  release(): Promise<void>;
}

interface LockContent {
  pid: number;
  startedAt: string;
}

/** Is a process with this pid running (or a zombie we cannot signal for lack of rights)? */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `strata.lock` in the data folder, refusing when another live Strata holds it.
 * A lock whose process is gone (the app was killed with -9) is stale and taken over.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, 'strata.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o644);
      const content: LockContent = { pid: process.pid, startedAt: new Date().toISOString() };
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
      if (holder && holder.pid !== process.pid && isProcessAlive(holder.pid)) {
        throw new Error(
          `another Strata (pid ${holder.pid}, started ${holder.startedAt}) is using the data folder ${dataDir}; stop it first or set STRATA_DATA_DIR to another folder`,
        );
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new Error(`could not take the lock ${path}; remove it if no Strata is running`);
}

async function readLock(path: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, startedAt: String(parsed.startedAt) } : undefined;
  } catch {
    // A lock cut short by a crash between open and write holds no pid: treat it as stale.
    return undefined;
  }
}
