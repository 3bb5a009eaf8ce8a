import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
const tooLargeMessage = (response: { statusCode: number; json: () => unknown }) => {
  expect(response.statusCode).toBe(413);
  return (response.json() as { error: { code: string; message: string } }).error;
};

describe('every answer', () => {
  it('carries X-Content-Type-Options: nosniff, errors and pages included', async () => {
    const answers = [
      await app.inject({ url: '/healthz' }),
      await app.inject({ url: '/api/v1/openapi.json' }),
      await app.inject({ url: '/api/v1/ingestion/stats', headers: admin() }),
      await app.inject({ url: '/api/v1/ingestion/stats' }),
      await app.inject({ url: '/api/v1/segments/nope', headers: admin() }),
      await app.inject({ url: '/no/such/route' }),
      await app.inject({
        method: 'POST',
        url: '/v1/identify',
        headers: { authorization: basicAuth(ws.writeKey) },
        payload: { userId: 'ada' },
      }),
      await app.inject({
        method: 'POST',
        url: '/v1/identify',
        headers: { authorization: basicAuth(ws.writeKey) },
        payload: { traits: {} },
      }),
      await app.inject({ url: '/s/garbage' }),
    ];
    for (const answer of answers) expect(answer.headers['x-content-type-options'], `${answer.statusCode} ${answer.body}`).toBe('nosniff');
  });
});

describe('a body over its limit', () => {
  it('is refused with the limit that applies to that route', async () => {
    const ingestion = await app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(ws.writeKey), 'content-type': 'application/json' },
      payload: JSON.stringify({ batch: [{ type: 'track', userId: 'ada', event: 'x', properties: { pad: 'x'.repeat(600 * 1024) } }] }),
    });
    expect(tooLargeMessage(ingestion)).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'request body is over the 500 KB limit',
      requestId: expect.any(String),
    });

    const zipped = await app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(ws.writeKey), 'content-encoding': 'gzip' },
      payload: gzipSync(
        JSON.stringify({ batch: [{ type: 'track', userId: 'ada', event: 'x', properties: { pad: 'x'.repeat(600 * 1024) } }] }),
      ),
    });
    expect(tooLargeMessage(zipped).message).toContain('500 KB');

    const management = await app.inject({
      method: 'POST',
      url: '/api/v1/segments/validate',
      headers: { ...admin(), 'content-type': 'application/json' },
      payload: JSON.stringify({ target: 'person', rule: 'x'.repeat(1100 * 1024) }),
    });
    expect(tooLargeMessage(management)).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'request body is over the 1 MB limit',
      requestId: expect.any(String),
    });

    const survey = await app.inject({
      method: 'POST',
      url: '/s/anything',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `comment=${'x'.repeat(70 * 1024)}`,
    });
    expect(tooLargeMessage(survey).message).toBe('request body is over the 64 KB limit');
  });
});
