import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let app: FastifyInstance;
let ws: TestWorkspace;
let url: string;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await createTestApp(database);
  ws = await createTestWorkspace(database);
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const person = async (userId: string): Promise<Record<string, any>> =>
  (await app.inject({ method: 'GET', url: `/api/v1/people/${userId}`, headers: { authorization: `Bearer ${ws.readKey}` } })).json();

it('takes data from the official Segment Node client unchanged', async () => {
  const analytics = new Analytics({ writeKey: ws.writeKey, host: url, flushAt: 3, maxRetries: 1 });
  const errors: unknown[] = [];
  analytics.on('error', (error) => errors.push(error));
  analytics.identify({ userId: 'seg-1', traits: { plan: 'pro', seats: 12 } });
  analytics.group({ userId: 'seg-1', groupId: 'seg-co', traits: { industry: 'FinTech' } });
  analytics.track({ userId: 'seg-1', event: 'login', properties: { method: 'sso' }, context: { groupId: 'seg-co' } });
  analytics.page({ userId: 'seg-1', name: 'Billing' });
  await analytics.closeAndFlush({ timeout: 20_000 });
  expect(errors).toEqual([]);
  const profile = await person('seg-1');
  expect(profile.traits).toEqual({ plan: 'pro', seats: 12 });
  expect(profile.accounts[0]).toMatchObject({ groupId: 'seg-co', traits: { industry: 'FinTech' } });
  expect(profile.events.map((e: { name: string }) => e.name).sort()).toEqual(['Billing', 'login']);
});

it('takes gzipped batches from the official RudderStack Node client unchanged', async () => {
  const errors: unknown[] = [];
  const client = new RudderAnalytics(ws.writeKey, {
    dataPlaneUrl: url,
    flushAt: 50,
    flushInterval: 100_000,
    logLevel: 'error',
    errorHandler: (e) => errors.push(e),
    retryCount: 0,
  });
  client.identify({ userId: 'rs-1', traits: { plan: 'starter' } });
  for (let i = 0; i < 5; i++) client.track({ userId: 'rs-1', event: 'feature_used', properties: { feature: 'export', i } });
  await client.flush();
  expect(errors).toEqual([]);
  const profile = await person('rs-1');
  expect(profile.traits).toEqual({ plan: 'starter' });
  expect(profile.events).toHaveLength(5);
});
