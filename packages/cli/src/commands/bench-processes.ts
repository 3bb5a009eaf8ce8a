import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFreshServer, startServer, startWorkerProcess, stopStrataProcess } from './bench-server.js';
import { readRssMb } from './process-memory.js';

/** Whether live evaluation runs: `paused` restarts the server alone with no live workers. */
export type LiveEvaluation = 'on' | 'paused';

/**
 * The benchmark's Strata processes on one data folder: a `strata start` child and, with
 * `workerProcesses` > 0, that many `strata worker` processes beside it that do all the live
 * evaluation (the server then runs with `STRATA_LIVE_WORKERS=0`). They can be restarted with live
 * evaluation paused, to measure ingestion alone, and back.
 */
export class BenchProcesses {
  private workers: ChildProcess[] = [];

  private constructor(
    private server: { child: ChildProcess; url: string },
    /** The settings of every process, but the server's own live workers. */
    private readonly env: Record<string, string>,
    readonly dataDir: string,
    readonly keys: { write: string; admin: string },
    readonly workerProcesses: number,
    private readonly progress: (text: string) => void,
  ) {}

  /** Starts a fresh server (see `startFreshServer`) and the worker processes beside it. */
  static async start(
    folderPrefix: string,
    progress: (text: string) => void,
    env: Record<string, string>,
    workerProcesses: number,
  ): Promise<BenchProcesses> {
    const fresh = await startFreshServer(folderPrefix, progress, { ...env, ...serverLiveWorkers('on', workerProcesses) });
    // The server's live workers are set per start; worker processes keep the default.
    const shared = Object.fromEntries(Object.entries(fresh.env).filter(([name]) => name !== 'STRATA_LIVE_WORKERS'));
    const processes = new BenchProcesses(
      fresh,
      shared,
      fresh.dataDir,
      { write: fresh.writeKey, admin: fresh.adminKey },
      workerProcesses,
      progress,
    );
    try {
      await processes.startWorkers();
    } catch (error) {
      await processes.stop();
      throw error;
    }
    return processes;
  }

  /** The server's address; it changes at each restart (the server listens on any free port). */
  get url(): string {
    return this.server.url;
  }

  /**
   * Stops the workers and the server (which stops the embedded PostgreSQL), then starts the server
   * again on the same folder, with live evaluation `live`, and the workers when it is on. The
   * embedded PostgreSQL comes back on the port it had, so connections the caller's pool opens
   * afterwards reach it again.
   */
  async restart(live: LiveEvaluation): Promise<void> {
    const portBefore = await this.postgresPort();
    await this.stopAll();
    this.progress(
      live === 'paused'
        ? 'restarting the server with STRATA_LIVE_WORKERS=0 and no worker process: live evaluation paused'
        : `restarting the server${this.workerProcesses > 0 ? ` and ${this.workerProcesses} worker processes` : ''}: live evaluation on`,
    );
    this.server = await startServer({ ...this.env, ...serverLiveWorkers(live, this.workerProcesses) });
    const portAfter = await this.postgresPort();
    if (portAfter !== portBefore)
      throw new Error(`the embedded PostgreSQL came back on port ${portAfter}, not ${portBefore}: free port ${portBefore} and run again`);
    if (live === 'on') await this.startWorkers();
  }

  /** Resident memory of the server and of each worker process, in MB (null for one that has exited). */
  async memory(): Promise<{ server_rss_mb: number | null; worker_rss_mb?: Array<number | null> }> {
    const rss = async (child: ChildProcess) => (child.pid === undefined ? undefined : await readRssMb(child.pid)) ?? null;
    return {
      server_rss_mb: await rss(this.server.child),
      ...(this.workers.length > 0 ? { worker_rss_mb: await Promise.all(this.workers.map(rss)) } : {}),
    };
  }

  /** Stops the workers, then the server. */
  async stop(): Promise<void> {
    await this.stopAll();
  }

  private async startWorkers(): Promise<void> {
    for (let n = 1; n <= this.workerProcesses; n++) {
      const worker = await startWorkerProcess(this.env);
      worker.once('exit', (code, signal) => {
        if (this.workers.includes(worker)) this.progress(`WORKER PROCESS ${n} EXITED (${code ?? signal}): live evaluation is short of it`);
      });
      this.workers.push(worker);
    }
    if (this.workerProcesses > 0) this.progress(`${this.workerProcesses} strata worker processes run live evaluation on the same database`);
  }

  private async stopAll(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map(stopStrataProcess));
    await stopStrataProcess(this.server.child);
  }

  private async postgresPort(): Promise<string> {
    return (await readFile(join(this.dataDir, 'pg-port'), 'utf8')).trim();
  }
}

/** The server's own live workers: none while paused or while worker processes do the evaluation. */
function serverLiveWorkers(live: LiveEvaluation, workerProcesses: number): Record<string, string> {
  return live === 'paused' || workerProcesses > 0 ? { STRATA_LIVE_WORKERS: '0' } : {};
}
