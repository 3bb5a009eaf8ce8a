import { existsSync, readFileSync } from 'node:fs';

const hasProcFs = existsSync('/proc/self/stat');

/**
 * When the process started, in clock ticks since boot (field 22 of `/proc/PID/stat`), and its
 * state letter; undefined when there is no such process or no `/proc` to ask.
 */
function readProcStat(pid: number): { state: string; startTicks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', startTicks: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** The start time of a running process, to tell it apart later from another that reuses its pid. */
export function processStartTicks(pid: number): number | undefined {
  return readProcStat(pid)?.startTicks;
}

/**
 * Is the process with this pid running? A zombie (killed, not yet reaped by its parent) is not,
 * and neither is a process that took over the pid of the one we knew (`startTicks` differ).
 * Without `/proc`, falls back to signal 0, which counts zombies as alive.
 */
export function isProcessAlive(pid: number, startTicks?: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (hasProcFs) {
    const stat = readProcStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
    return startTicks === undefined || stat.startTicks === startTicks;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (a postmaster run as `postgres`).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
