import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

// The SMTP host of /settings/email follows the webhooks' rule: loopback and private addresses
// are refused (400 naming host, nothing stored, no connection made) unless
// STRATA_ALLOW_PRIVATE_WEBHOOKS=true, which this app, as in production by default, does not set.

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let connections = 0;
const smtp = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  logger: false,
  onConnect(_session, callback) {
    connections++;
    callback();
  },
});
let port: number;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database);
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await app.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await database.drop();
});

const put = (host: string) =>
  app.inject({
    method: 'PUT',
    url: '/api/v1/settings/email',
    headers: { authorization: `Bearer ${ws.adminKey}` },
    payload: { host, port, secure: false, from: 'hi@acme.test' },
  });

it.each(['127.0.0.1', 'localhost', '10.0.0.5', '169.254.169.254', '[::1]', '::1'])(
  'refuses the SMTP host %s, naming host, stores nothing and connects to nothing',
  async (host) => {
    const response = await put(host);
    expect(response.statusCode, response.body).toBe(400);
    const error = response.json<{ error: { details: Array<{ field: string; message: string }> } }>().error;
    expect(error.details.map((d) => d.field)).toEqual(['host']);
    expect(error.details[0]!.message).toMatch(/not a public address.*STRATA_ALLOW_PRIVATE_WEBHOOKS=true/);
    const read = await app.inject({ method: 'GET', url: '/api/v1/settings/email', headers: { authorization: `Bearer ${ws.adminKey}` } });
    expect(read.statusCode).toBe(404);
    expect(connections).toBe(0);
  },
);

it('allows a loopback SMTP server where STRATA_ALLOW_PRIVATE_WEBHOOKS=true', async () => {
  const allowing = await createTestApp(database, { allowPrivateWebhooks: true });
  try {
    const response = await allowing.inject({
      method: 'PUT',
      url: '/api/v1/settings/email',
      headers: { authorization: `Bearer ${ws.adminKey}` },
      payload: { host: '127.0.0.1', port, secure: false, from: 'hi@acme.test' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(connections).toBeGreaterThan(0);
  } finally {
    await allowing.close();
  }
});
