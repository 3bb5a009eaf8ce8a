import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig, startStrata } from '@strata/server';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let base: string;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database);
  const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
  base = `http://127.0.0.1:${port}`;
  const seeded = await app.inject({
    method: 'POST',
    url: '/v1/identify',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId: 'ada' },
  });
  expect(seeded.statusCode, seeded.body).toBe(200);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('links Strata hands out', () => {
  it("use the address Strata listens on, never the request's Host header, when STRATA_PUBLIC_URL is unset", async () => {
    const headers = { authorization: `Bearer ${ws.adminKey}`, host: 'evil.example', 'x-forwarded-host': 'evil.example' };
    const link = await app.inject({ method: 'POST', url: '/api/v1/surveys/links', headers, payload: { userId: 'ada', kind: 'nps' } });
    expect(link.statusCode, link.body).toBe(200);
    const { url, scoreUrls } = link.json<{ url: string; scoreUrls: Record<string, string> }>();
    expect(url.startsWith(`${base}/s/`), url).toBe(true);
    for (const scoreUrl of Object.values(scoreUrls)) expect(scoreUrl.startsWith(`${base}/s/`)).toBe(true);

    const integration = await app.inject({
      method: 'PUT',
      url: '/api/v1/integrations/stripe',
      headers,
      payload: { secret: 'whsec_0123456789abcdef' },
    });
    expect(integration.statusCode, integration.body).toBe(200);
    const { webhookUrl } = integration.json<{ webhookUrl: string }>();
    expect(webhookUrl.startsWith(`${base}/webhooks/stripe/`), webhookUrl).toBe(true);
    const read = await app.inject({ url: '/api/v1/integrations/stripe', headers });
    expect(read.json()).toMatchObject({ webhookUrl });
  });
});

describe('starting Strata', () => {
  async function startedLog(env: Record<string, string>): Promise<Array<{ level: number; msg: string }>> {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const config = readConfig({
      PORT: '0',
      ...database.env,
      STRATA_DEMO: 'false',
      STRATA_SECRET_KEY: randomBytes(32).toString('base64'),
      ...env,
    });
    if (!config.ok) throw new Error(config.problems.join('\n'));
    const strata = await startStrata(config.config, { logger: pino({ level: 'info' }, sink), announce: () => undefined });
    await strata.stop();
    return lines.map((line) => JSON.parse(line) as { level: number; msg: string });
  }
  const publicUrlWarnings = (log: Array<{ level: number; msg: string }>) =>
    log.filter((entry) => entry.level === 40 && entry.msg.includes('STRATA_PUBLIC_URL'));

  it('warns when STRATA_PUBLIC_URL is unset and Strata listens beyond this machine', async () => {
    expect(publicUrlWarnings(await startedLog({ HOST: '0.0.0.0' }))).toHaveLength(1);
    expect(publicUrlWarnings(await startedLog({ HOST: '127.0.0.1' }))).toHaveLength(0);
    expect(publicUrlWarnings(await startedLog({ HOST: '0.0.0.0', STRATA_PUBLIC_URL: 'https://strata.example.com' }))).toHaveLength(0);
  });
});
