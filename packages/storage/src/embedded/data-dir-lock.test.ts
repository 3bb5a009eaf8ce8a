import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock } from './data-dir-lock.js';
import { isProcessAlive, processStartTicks } from './process-liveness.js';

let dataDir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'strata-lock-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

/** A lock as a Strata with this pid (and start time) would have left it. */
async function writeLock(pid: number, startTicks?: number) {
  await writeFile(join(dataDir, 'strata.lock'), JSON.stringify({ pid, startedAt: new Date().toISOString(), startTicks }));
}

/** Runs `script` in sh and resolves with the first line it prints. */
function shell(script: string): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  return new Promise((resolve) => createInterface({ input: child.stdout }).once('line', (firstLine) => resolve({ child, firstLine })));
}

function procState(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

describe.runIf(existsSync('/proc/self/stat'))('the data-folder lock', () => {
  it('refuses while the process that holds it runs', async () => {
    const { child } = await shell('echo started; exec sleep 60');
    await writeLock(child.pid!, processStartTicks(child.pid!));
    await expect(acquireDataDirLock(dataDir)).rejects.toThrow(new RegExp(`another Strata \\(pid ${child.pid}`));
  });

  it('takes over a lock whose holder was killed and is not yet reaped (a zombie)', async () => {
    // sh starts `sleep 0` in the background and becomes `sleep 60`, which never reaps it.
    const { firstLine } = await shell('sleep 0 & echo $!; exec sleep 60');
    const zombie = Number(firstLine);
    for (let i = 0; i < 50 && procState(zombie) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(procState(zombie)).toBe('Z');
    await writeLock(zombie, processStartTicks(zombie));
    const lock = await acquireDataDirLock(dataDir);
    expect(JSON.parse(await readFile(join(dataDir, 'strata.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (started at another time)', async () => {
    const { child } = await shell('echo started; exec sleep 60');
    expect(isProcessAlive(child.pid!)).toBe(true);
    await writeLock(child.pid!, processStartTicks(child.pid!)! - 1);
    const lock = await acquireDataDirLock(dataDir);
    await lock.release();
  });
});
