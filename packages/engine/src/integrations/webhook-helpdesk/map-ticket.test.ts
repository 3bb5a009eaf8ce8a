import { describe, expect, it } from 'vitest';
import { buildHelpDeskWebhook } from './build-config.js';
import type { HelpDeskWebhookConfig } from './helpdesk-config.js';
import { mapDelivery } from './map-ticket.js';

function configOf(input: Parameters<typeof buildHelpDeskWebhook>[0]): HelpDeskWebhookConfig {
  const built = buildHelpDeskWebhook(input);
  if (!built.ok) throw new Error(JSON.stringify(built.issues));
  return built.config;
}

describe('mapDelivery', () => {
  const zoho = configOf({ preset: 'zoho-desk', auth: { type: 'token' } });
  const event = (payload: Record<string, unknown>) => ({ eventType: 'Ticket_Add', payload });
  const ticket = {
    id: '7',
    email: 'sam@globex.example',
    contactId: '42',
    subject: 'Hi',
    description: 'Hello',
    status: 'ON HOLD',
    priority: 'High',
    channel: 'Carrier pigeon',
    createdTime: '1773136800000',
    modifiedTime: '2026-03-10T10:30:00.000Z',
  };

  it('maps each event of a delivery, case-insensitively, with epoch milliseconds as text', () => {
    const result = mapDelivery(zoho, 'zoho-desk', [event(ticket)]);
    expect(result).toMatchObject({
      ok: true,
      tickets: [
        {
          externalId: '7',
          requester: { email: 'sam@globex.example', anonymousId: 'zoho-desk:42', userId: null },
          status: 'on-hold',
          priority: 'high',
          channel: undefined,
          createdAt: new Date(1_773_136_800_000),
          updatedAt: new Date('2026-03-10T10:30:00.000Z'),
        },
      ],
    });
  });

  it('names the field of the first mistake', () => {
    expect(mapDelivery(zoho, 'zoho-desk', { not: 'an array' })).toMatchObject({ ok: false, field: 'items' });
    expect(mapDelivery(zoho, 'zoho-desk', [event({ ...ticket, createdTime: 'yesterday' })])).toMatchObject({
      ok: false,
      field: 'fields.createdAt',
    });
    expect(mapDelivery(zoho, 'zoho-desk', [event({ ...ticket, subject: { nested: true } })])).toMatchObject({
      ok: false,
      field: 'fields.subject',
    });
    expect(mapDelivery(zoho, 'zoho-desk', [event(ticket), event({ ...ticket, priority: 'Whenever' })])).toMatchObject({
      ok: false,
      field: 'fields.priority',
    });
  });

  it('tells a redelivered event by its bytes when no event id is mapped', () => {
    const first = mapDelivery(zoho, 'zoho-desk', [event(ticket)]);
    const again = mapDelivery(zoho, 'zoho-desk', [event(ticket)]);
    const changed = mapDelivery(zoho, 'zoho-desk', [event({ ...ticket, status: 'Closed' })]);
    if (!first.ok || !again.ok || !changed.ok) throw new Error('mapping failed');
    expect(again.tickets[0]!.eventId).toBe(first.tickets[0]!.eventId);
    expect(changed.tickets[0]!.eventId).not.toBe(first.tickets[0]!.eventId);
  });
});
