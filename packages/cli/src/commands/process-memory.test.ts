import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { readRssMb, statusFieldMb } from './process-memory.js';

const status = ['Name:\tnode', 'VmPeak:\t 1200000 kB', 'VmRSS:\t  204800 kB', 'RssAnon:\t  150016 kB', 'Threads:\t11'].join('\n');

describe('statusFieldMb', () => {
  it('reads a size field of /proc/<pid>/status in MB, not a field that merely ends the same', () => {
    expect(statusFieldMb(status, 'VmRSS')).toBe(200);
    expect(statusFieldMb(status, 'RssAnon')).toBeCloseTo(146.5, 1);
    expect(statusFieldMb(status, 'Rss')).toBeUndefined();
    expect(statusFieldMb('Name:\tkthreadd\nThreads:\t1', 'VmRSS')).toBeUndefined();
  });
});

describe('readRssMb', () => {
  it("reads a running process's resident memory and nothing once it has exited", async () => {
    const child = spawn(process.execPath, ['-e', 'process.stdout.write("ready"); setInterval(() => {}, 1000)'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      // Read once Node runs its script: just after the spawn the process may still be starting,
      // with nothing resident yet (CI once read 0 then).
      await once(child.stdout, 'data');
      const rss = await readRssMb(child.pid!);
      // A Node process holds at least a few MB resident, and far less than a terabyte.
      expect(rss).toBeGreaterThan(5);
      expect(rss).toBeLessThan(1_000_000);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(await readRssMb(child.pid!)).toBeUndefined();
  });
});
