import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { exited, startStrataProcess } from '../../../test-support/strata-process.js';
import { signWebhook } from '../../../test-support/webhooks.js';

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
      // Embedded mode generated the secret key into the data folder, readable by the owner only.
      expect((await stat(join(dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
      const connect = await fetch(`${strata.url}/api/v1/integrations/stripe`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ secret: 'whsec_first_start_secret' }),
      });
      expect(connect.status).toBe(200);
      // No STRATA_BOOTSTRAP_ADMIN_EMAIL/_PASSWORD: the owner is created once with the printed setup token.
      const setupToken = /"token":"([A-Za-z0-9_-]+)"/.exec(output)![1]!;
      const setup = await fetch(`${strata.url}/api/v1/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: setupToken, email: 'owner@example.com', password: 'first start owner' }),
      });
      expect(setup.status, await setup.text()).toBe(200);
    } finally {
      strata.child.kill('SIGTERM');
      expect(await exited(strata.child)).toBe(0);
    }
    const key = await readFile(join(dataDir, 'secret.key'), 'utf8');
    // A second start keeps the keys and does not print them again.
    const again = await startStrataProcess({ STRATA_DATA_DIR: dataDir, STRATA_DEMO: '' });
    try {
      expect(again.output.join('\n')).not.toMatch(/shown once/);
      // The same key on the second start: the stored secret still decrypts and verifies a webhook.
      expect(await readFile(join(dataDir, 'secret.key'), 'utf8')).toBe(key);
      const integration = await fetch(`${again.url}/api/v1/integrations/stripe`, { headers: { authorization: `Bearer ${adminKey}` } });
      const { webhookUrl } = (await integration.json()) as { webhookUrl: string };
      const now = Math.floor(Date.now() / 1000);
      const body = JSON.stringify({
        id: 'evt_first',
        type: 'customer.updated',
        created: now,
        data: { object: { id: 'cus_first', delinquent: false } },
      });
      const delivered = await fetch(`${again.url}${new URL(webhookUrl).pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signWebhook('stripe', body, 'whsec_first_start_secret', now) },
        body,
      });
      expect(delivered.status, await delivered.text()).toBe(200);
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
