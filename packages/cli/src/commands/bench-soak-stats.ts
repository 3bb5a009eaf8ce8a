import { readdir, readFile } from 'node:fs/promises';
import { readProcessStatus, statusFieldMb } from './process-memory.js';

/** What one call of the soak did: when (ms since the soak began), how long, what it answered. */
export interface CallRecord {
  at: number;
  ms: number;
  /** HTTP status, or 0 when no answer came (connection refused, reset or timed out). */
  status: number;
  tenant: string;
  kind: string;
  /** Events a 200 to this call stored (ingestion only). */
  events?: number;
}

/** Every call the soak makes, kept in memory (a 10-minute run makes tens of thousands). */
export class SoakLog {
  readonly calls: CallRecord[] = [];
  private readonly startedAt = performance.now();

  /** Milliseconds since the soak began. */
  now(): number {
    return performance.now() - this.startedAt;
  }

  add(record: CallRecord): void {
    this.calls.push(record);
  }

  /**
   * One HTTP call on loopback with a timeout, recorded whatever happens; resolves with the
   * response (its body read as text) or undefined when none came.
   */
  async call(
    tenant: string,
    kind: string,
    url: string,
    init: RequestInit & { timeoutMs?: number; events?: number },
  ): Promise<{ status: number; text: string } | undefined> {
    const startedAt = this.now();
    const began = performance.now();
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 30_000) });
      const text = await response.text();
      this.add({
        at: startedAt,
        ms: performance.now() - began,
        status: response.status,
        tenant,
        kind,
        ...(response.status === 200 && init.events !== undefined ? { events: init.events } : {}),
      });
      return { status: response.status, text };
    } catch {
      this.add({ at: startedAt, ms: performance.now() - began, status: 0, tenant, kind });
      return undefined;
    }
  }
}

export interface Quantiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function quantiles(values: readonly number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
}

/** Answers counted by status, e.g. {"200": 5990, "503": 3, "no-answer": 1} (refused, reset or timed out). */
export function statusCounts(calls: readonly CallRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    const status = call.status === 0 ? 'no-answer' : String(call.status);
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/** Least-squares slope of y over x: with x in minutes and y in MB, MB per minute. */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  if (points.length < 2) return 0;
  const meanX = points.reduce((s, p) => s + p.x, 0) / points.length;
  const meanY = points.reduce((s, p) => s + p.y, 0) / points.length;
  const num = points.reduce((s, p) => s + (p.x - meanX) * (p.y - meanY), 0);
  const den = points.reduce((s, p) => s + (p.x - meanX) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/**
 * Resident memory of the server process and, separately, of PostgreSQL (the postmaster named
 * in `postmasterPidFile` and its backends: pg_ctl starts it detached, so it is not a child of
 * the server), in MB, from /proc. PostgreSQL counts private memory only (RssAnon): its shared
 * buffers appear in every backend's RSS and would be counted once per connection.
 */
export async function readMemory(pid: number, postmasterPidFile: string): Promise<{ server_mb: number; postgres_mb: number } | undefined> {
  const own = await readProcessStatus(pid);
  if (own === undefined) return undefined;
  const postmaster = Number((await readFile(postmasterPidFile, 'utf8').catch(() => '')).split('\n')[0]);
  let postgres = 0;
  if (Number.isInteger(postmaster) && postmaster > 0) {
    const children = new Map<number, number[]>();
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const text = await readProcessStatus(Number(entry));
      const ppid = text ? Number(/^PPid:\s+(\d+)$/m.exec(text)?.[1]) : NaN;
      if (Number.isFinite(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    }
    const pending = [postmaster];
    while (pending.length > 0) {
      const next = pending.pop()!;
      const text = await readProcessStatus(next);
      if (text) postgres += statusFieldMb(text, 'RssAnon') ?? 0;
      pending.push(...(children.get(next) ?? []));
    }
  }
  return { server_mb: round(statusFieldMb(own, 'VmRSS') ?? 0), postgres_mb: round(postgres) };
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
