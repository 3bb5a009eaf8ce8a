import { afterAll, beforeAll, expect, it } from 'vitest';
import { baseFieldSchema, validateTicketRule } from '@strata/core';
import { changeTicket, fireSlaTimer, writeTicket } from '@strata/engine';
import {
  createWorkspace,
  listJobs,
  listTicketDecisions,
  saveSlaPolicy,
  saveSupportPolicy,
  upsertWebhook,
  workspaceScope,
  writeBusinessHours,
  type WorkspaceScope,
} from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
let clockMs = Date.parse('2026-03-06T16:30:00Z'); // a Friday, half an hour before the team goes home
let scope: WorkspaceScope;
let ticketId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const workspace = await createWorkspace(database.db, { slug: 'sla-timers', timezone: 'UTC' });
  scope = workspaceScope(database.db, workspace.id, () => new Date(clockMs));
  // Monday to Friday, 09:00-17:00 UTC; Monday 9 March is a holiday.
  await writeBusinessHours(scope, { workingDays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', holidays: ['2026-03-09'] });
  await saveSlaPolicy(scope, {
    key: 'gold',
    name: 'Gold',
    businessHours: true,
    targets: { normal: { firstResponseMinutes: 60, resolutionMinutes: 480 } },
  });
  const when = validateTicketRule('channel = "email"', { schema: baseFieldSchema() });
  if (!when.ok) throw new Error('rule');
  await saveSupportPolicy(scope, { key: 'email', name: 'Email', position: 1, whenText: when.text, when: when.rule, set: { sla: 'gold' } });
  await upsertWebhook(scope, {
    key: 'sla',
    url: 'https://hooks.example/sla',
    events: ['sla.warning', 'sla.breached'],
    segments: null,
    secretCiphertext: 'unused',
  });
  const written = await writeTicket(scope, {
    source: 'api',
    requester: { userId: 'ada' },
    subject: 'Help',
    description: 'Our invoices do not load.',
    channel: 'email',
  });
  if (written.kind !== 'stored') throw new Error(written.kind);
  ticketId = written.ticket.id;
});
afterAll(async () => {
  await database.drop();
});

const events = async () =>
  (
    await database.owner
      .selectFrom('support_events')
      .select(['type', 'payload'])
      .where('ticket_id', '=', ticketId)
      .orderBy('event_id')
      .execute()
  ).filter((e) => e.type !== 'ticket.decided');
const messages = () =>
  database.owner.selectFrom('webhook_messages').select(['event', 'support_event_id']).where('webhook_key', '=', 'sla').execute();

it('counts due times in business hours over the weekend and the holiday, and schedules warning and breach timers', async () => {
  const [decision] = await listTicketDecisions(scope, ticketId);
  // 30 minutes on Friday; Monday is a holiday; the other 30 on Tuesday from 09:00.
  expect(decision?.decision.sla).toMatchObject({
    key: 'gold',
    firstResponseDueAt: '2026-03-10T09:30:00.000Z',
    resolutionDueAt: '2026-03-10T16:30:00.000Z',
  });
  const timers = (await listJobs(scope, { limit: 50 })).filter((j) => j.task === 'sla-timer');
  const runAt = Object.fromEntries(timers.map((t) => [t.key!.split(':').slice(-2).join(':'), t.runAt.toISOString()]));
  expect(runAt).toEqual({
    'first-response:warning': '2026-03-10T09:15:00.000Z',
    'first-response:breach': '2026-03-10T09:30:00.000Z',
    'resolution:warning': '2026-03-10T16:15:00.000Z',
    'resolution:breach': '2026-03-10T16:30:00.000Z',
  });
});

it('warns once on time with no write, and a met first response cancels its breach', async () => {
  clockMs = Date.parse('2026-03-10T09:15:00Z');
  const warning = { ticketId, milestone: 'first-response' as const, kind: 'warning' as const, dueAt: '2026-03-10T09:30:00.000Z' };
  await fireSlaTimer(scope, warning);
  await fireSlaTimer(scope, warning); // a job run twice announces once
  expect(await events()).toEqual([
    {
      type: 'sla.warning',
      payload: expect.objectContaining({ data: { ticket: ticketId, sla: 'gold', milestone: 'first-response', dueAt: warning.dueAt } }),
    },
  ]);
  expect(await messages()).toHaveLength(1);

  clockMs = Date.parse('2026-03-10T09:20:00Z');
  const answered = await changeTicket(scope, { ticketId }, { messages: [{ author: 'agent', body: 'On it' }] });
  expect(answered).toMatchObject({ kind: 'stored', ticket: { firstResponseAt: new Date(clockMs) } });
  clockMs = Date.parse('2026-03-10T09:30:00Z');
  await fireSlaTimer(scope, { ...warning, kind: 'breach' });
  expect((await events()).map((e) => e.type)).toEqual(['sla.warning']);
});

it('announces a missed resolution at its due time and records it in a new decision', async () => {
  clockMs = Date.parse('2026-03-10T16:30:00Z');
  await fireSlaTimer(scope, { ticketId, milestone: 'resolution', kind: 'breach', dueAt: '2026-03-10T16:30:00.000Z' });
  expect((await events()).map((e) => e.type)).toEqual(['sla.warning', 'sla.breached']);
  expect(await messages()).toHaveLength(2);
  // A breach at the due instant is not yet past it; a minute later the decision shows it.
  clockMs = Date.parse('2026-03-10T16:31:00Z');
  await fireSlaTimer(scope, { ticketId, milestone: 'resolution', kind: 'breach', dueAt: '2026-03-10T16:30:00.000Z' });
  const [latest] = await listTicketDecisions(scope, ticketId);
  expect(latest).toMatchObject({ cause: 'sla-breached:resolution', decision: { sla: { breached: ['resolution'] } } });
});

it('does nothing for a timer whose due time is no longer the decision', async () => {
  await fireSlaTimer(scope, { ticketId, milestone: 'resolution', kind: 'breach', dueAt: '2026-03-11T10:00:00.000Z' });
  expect((await events()).map((e) => e.type)).toEqual(['sla.warning', 'sla.breached']);
});
