import { readFile } from 'node:fs/promises';

/**
 * A size field of a `/proc/<pid>/status` text (`VmRSS`, `RssAnon`, ...), in MB; undefined when the
 * field is missing (a kernel thread, or a process already exiting).
 */
export function statusFieldMb(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match ? Number(match[1]) / 1024 : undefined;
}

/** The `/proc/<pid>/status` text of a process, or undefined once it has gone. */
export async function readProcessStatus(pid: number): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Resident memory of a running process in MB, to one decimal; undefined once it has gone. */
export async function readRssMb(pid: number): Promise<number | undefined> {
  const status = await readProcessStatus(pid);
  const mb = status === undefined ? undefined : statusFieldMb(status, 'VmRSS');
  return mb === undefined ? undefined : Math.round(mb * 10) / 10;
}
