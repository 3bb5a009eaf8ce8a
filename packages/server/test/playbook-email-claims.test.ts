import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackgroundRuntime,
  deliverPlaybookEmailTask,
  emailDeliveryAttempts,
  SecretBox,
  staleEmailClaimMs,
  type TaskServices,
} from '@strata/engine';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

// The email delivery claims its outbox row and commits before it talks to the SMTP server: no
// transaction stays open while a slow server answers (one would hold back the xmin every change
// subscriber reads up to). A claim cut off is claimed again: at least once, under one Message-ID.

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: BackgroundRuntime;
let smtp: SMTPServer;
/** Message-IDs of the messages the SMTP server accepted, in order. */
const accepted: Array<{ to: string; messageId: string }> = [];
/** While set, the SMTP server holds each message unanswered until it resolves. */
let hold: Promise<void> | undefined;
/** Set when a message arrives at the held server. */
let arrived: (() => void) | undefined;
const secrets = new SecretBox(randomBytes(32));
const services: TaskServices = { secrets, publicUrl: 'http://strata.test', post: () => Promise.reject(new Error('posts nothing')) };
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  // The SMTP server below is on loopback: allowed as STRATA_ALLOW_PRIVATE_WEBHOOKS=true allows it.
  app = await createTestApp(database, { now, secrets, publicUrl: 'http://strata.test', allowPrivateWebhooks: true });
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        arrived?.();
        void (hold ?? Promise.resolve()).then(() => {
          const messageId = /^message-id:\s*(\S+)/im.exec(raw)?.[1] ?? '';
          for (const rcpt of session.envelope.rcptTo) accepted.push({ to: rcpt.address, messageId });
          callback();
        });
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  runtime = new BackgroundRuntime({ db: database.db, pool: database.pool, now, services, subscriberPollMs: 200 });
  await runtime.start();
  await identify('first-seen', { plan: 'free', email: 'first@example.com' });
  expect(
    (await api('POST', '/api/v1/segments', { key: 'trialists', name: 'Trialists', target: 'person', rule: 'plan = "trial"' })).statusCode,
  ).toBe(201);
  expect((await api('PUT', '/api/v1/settings/email', { host: '127.0.0.1', port, secure: false, from: 'hi@acme.test' })).statusCode).toBe(
    200,
  );
  const playbook = {
    name: 'Welcome',
    enabled: true,
    trigger: { on: 'segment-entered', segment: 'trialists' },
    steps: [{ type: 'email', subject: 'Welcome', text: 'Hello' }],
  };
  expect((await api('PUT', '/api/v1/playbooks/welcome', playbook)).statusCode).toBe(201);
});
afterAll(async () => {
  hold = undefined;
  await runtime.stop();
  await app.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await database.drop();
});

async function api(method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
}
async function identify(userId: string, traits: Record<string, unknown>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/identify',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId, traits, messageId: `m-${randomBytes(6).toString('hex')}` },
  });
  expect(response.statusCode, response.body).toBe(200);
}
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
type Run = { id: string; status: string; steps: Array<{ path: string; outcome: string }> };
async function runOf(userId: string): Promise<Run | undefined> {
  return (await api('GET', `/api/v1/playbooks/welcome/runs?personId=${userId}`)).json<Run[]>()[0];
}
const outbox = (enrolmentId: string) =>
  database.owner.selectFrom('email_outbox').selectAll().where('enrolment_id', '=', enrolmentId).executeTakeFirstOrThrow();
/** Transactions of this database left open, between statements, for longer than a second. */
async function longIdleTransactions(): Promise<string[]> {
  const { rows } = await sql<{ query: string }>`
    SELECT query FROM pg_stat_activity
    WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND xact_start < now() - interval '1 second'`.execute(
    database.owner,
  );
  return rows.map((r) => r.query);
}
const deliver = (enrolmentId: string, attempt: number) =>
  deliverPlaybookEmailTask.run(
    { workspaceId: ws.workspace.id, enrolmentId, stepPath: '0' },
    { db: database.db, now, attempt, maxAttempts: emailDeliveryAttempts, lastAttempt: false, log: () => {}, services },
  );

describe('playbook email claims', { shuffle: false }, () => {
  it('holds no transaction open while the SMTP server holds the message unanswered', async () => {
    let release!: () => void;
    hold = new Promise<void>((resolve) => (release = resolve));
    const atServer = new Promise<void>((resolve) => (arrived = resolve));
    await identify('slow', { plan: 'trial', email: 'slow@example.com' });
    await atServer;
    // The message is at the server, unanswered: the delivery has claimed its email and committed.
    await sleep(1_500);
    expect(await longIdleTransactions()).toEqual([]);
    const run = (await runOf('slow'))!;
    expect(await outbox(run.id)).toMatchObject({ status: 'sending', claimed_attempt: 1 });
    expect(accepted.filter((a) => a.to === 'slow@example.com')).toEqual([]);
    hold = undefined;
    release();
    const done = await until('the run completed', async () => {
      const r = await runOf('slow');
      return r?.status === 'completed' ? r : undefined;
    });
    expect(done.steps.map((s) => [s.path, s.outcome])).toEqual([['0', 'sent']]);
    expect(await outbox(run.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(accepted.filter((a) => a.to === 'slow@example.com')).toHaveLength(1);
  });

  it('sends again an email whose claiming attempt was cut off, under the same Message-ID; a live claim is left alone until it is stale', async () => {
    await identify('cut', { plan: 'trial', email: 'cut@example.com' });
    const run = await until('the run completed', async () => {
      const r = await runOf('cut');
      return r?.status === 'completed' ? r : undefined;
    });
    const first = accepted.filter((a) => a.to === 'cut@example.com');
    expect(first).toHaveLength(1);
    const reclaim = (claimedAttempt: number) =>
      database.owner
        .updateTable('email_outbox')
        .set({ status: 'sending', claimed_attempt: claimedAttempt, claimed_at: now() })
        .where('enrolment_id', '=', run.id)
        .execute();

    // Attempt 1 claimed it and was cut off (a crash): attempt 2 of the job sends it again.
    await reclaim(1);
    await deliver(run.id, 2);
    expect(accepted.filter((a) => a.to === 'cut@example.com').map((a) => a.messageId)).toEqual([first[0]!.messageId, first[0]!.messageId]);
    expect(await outbox(run.id)).toMatchObject({ status: 'sent' });

    // A claim by an attempt that is not an earlier one of this job may be alive: left alone...
    await reclaim(3);
    await deliver(run.id, 1);
    expect(accepted.filter((a) => a.to === 'cut@example.com')).toHaveLength(2);
    expect(await outbox(run.id)).toMatchObject({ status: 'sending', claimed_attempt: 3 });
    // ...until it is older than the stale limit.
    offsetMs += staleEmailClaimMs + 1_000;
    await deliver(run.id, 1);
    expect(accepted.filter((a) => a.to === 'cut@example.com')).toHaveLength(3);
    expect(await outbox(run.id)).toMatchObject({ status: 'sent', claimed_attempt: 1 });
  });
});
