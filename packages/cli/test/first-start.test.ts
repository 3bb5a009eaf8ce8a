import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { exited, startStrataProcess } from '../../../test-support/strata-process.js';

it('on an empty data folder starts, prints generated keys once, and fills the demo workspace', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-first-'));
  try {
    const strata = await startStrataProcess({ STRATA_DATA_DIR: dataDir, STRATA_DEMO: '' });
    let adminKey: string;
    try {
      const output = strata.output.join('\n');
      adminKey = /admin API key \(shown once\): (\S+)/.exec(output)![1]!;
      expect(output).toMatch(/write key \(shown once\):\s+wk_\S+/);
      expect(output).toMatch(/"msg":"demo workspace filled"/);
      expect(await (await fetch(`${strata.url}/healthz`)).json()).toEqual({ status: 'ok' });
      const stats = await fetch(`${strata.url}/api/v1/ingestion/stats`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(stats.status).toBe(200);
    } finally {
      strata.child.kill('SIGTERM');
      expect(await exited(strata.child)).toBe(0);
    }
    // A second start keeps the keys and does not print them again.
    const again = await startStrataProcess({ STRATA_DATA_DIR: dataDir, STRATA_DEMO: '' });
    try {
      expect(again.output.join('\n')).not.toMatch(/shown once/);
      const stats = await fetch(`${again.url}/api/v1/ingestion/stats`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(stats.status).toBe(200);
    } finally {
      again.child.kill('SIGTERM');
      await exited(again.child);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
