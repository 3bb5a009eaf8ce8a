import { afterAll, beforeAll, expect, it } from 'vitest';
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

it('exports every event of a person across pages, in order, once each, even when they share a timestamp', async () => {
  // Half the events share one instant, so pages must break ties by event, not by time alone.
  const total = 2345;
  const at = (i: number) => (i % 2 === 0 ? '2026-11-01T00:00:00.000Z' : new Date(Date.UTC(2026, 10, 2) + i * 1000).toISOString());
  for (let start = 0; start < total; start += 500) {
    const batch = Array.from({ length: Math.min(500, total - start) }, (_, k) => ({
      type: 'track',
      userId: 'ada',
      event: 'Seen',
      messageId: `m-${start + k}`,
      properties: { n: start + k },
      timestamp: at(start + k),
    }));
    const response = await app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(ws.writeKey) },
      payload: { batch },
    });
    expect(response.statusCode, response.body).toBe(200);
  }
  const response = await app.inject({
    method: 'GET',
    url: '/api/v1/people/ada/export',
    headers: { authorization: `Bearer ${ws.adminKey}` },
  });
  expect(response.statusCode).toBe(200);
  const events = response.json<{ events: Array<{ messageId: string; timestamp: string; properties: { n: number } }> }>().events;
  expect(events).toHaveLength(total);
  expect(new Set(events.map((e) => e.messageId)).size).toBe(total);
  const times = events.map((e) => Date.parse(e.timestamp));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(events.some((e) => 'event_id' in e)).toBe(false);
});
