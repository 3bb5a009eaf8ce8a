import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { exited, strataBin } from '../../../../test-support/strata-process.js';
import { keys, startStrata, waitUntil } from './harness/strata-under-test.js';

function procState(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

it.runIf(existsSync('/proc/self/stat'))(
  'starts right after kill -9 while the killed Strata is not yet reaped by its parent',
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'strata-zombie-'));
    const log = join(dataDir, 'first.log');
    // sh runs Strata in the background and becomes `sleep`, which never reaps it: once killed, it stays a zombie.
    const parent = spawn('sh', ['-c', `"${process.execPath}" "${strataBin()}" start >"${log}" 2>&1 & echo $!; exec sleep 300`], {
      env: {
        ...process.env,
        PORT: '0',
        STRATA_DEMO: 'false',
        STRATA_DATA_DIR: dataDir,
        STRATA_BOOTSTRAP_WRITE_KEY: keys.writeKey,
        STRATA_BOOTSTRAP_ADMIN_KEY: keys.adminKey,
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const pid = Number(await new Promise<string>((resolve) => createInterface({ input: parent.stdout }).once('line', resolve)));
      await waitUntil('the first Strata is ready', async () => (await readFile(log, 'utf8').catch(() => '')).includes('Strata is ready'));
      process.kill(pid, 'SIGKILL');
      await waitUntil('the killed Strata is a zombie', () => procState(pid) === 'Z');

      const second = await startStrata(dataDir);
      try {
        expect(second.output.join('\n')).toMatch(/orphaned PostgreSQL/);
        const health = await fetch(`${second.url}/healthz`);
        expect(await health.json()).toEqual({ status: 'ok' });
      } finally {
        second.child.kill('SIGTERM');
        expect(await exited(second.child)).toBe(0);
      }
    } finally {
      parent.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  },
  180_000,
);
