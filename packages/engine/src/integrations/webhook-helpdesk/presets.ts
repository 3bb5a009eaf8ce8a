import type { HelpDeskPresetName, HelpDeskWebhookConfig } from './helpdesk-config.js';

type Preset = Omit<HelpDeskWebhookConfig, 'auth' | 'preset'>;

/**
 * Mappings for help desks that post webhooks in a known shape. Freshservice's webhook body is the
 * JSON its workflow automator's "Trigger Webhook" action is given (docs/sources.md has the body to
 * paste, with Freshservice's placeholders); Zoho Desk posts an array of events, each with the
 * ticket as `payload` (its documented Ticket_Add and Ticket_Update events).
 */
export const helpDeskPresets: Record<HelpDeskPresetName, Preset> = {
  freshservice: {
    items: null,
    fields: {
      externalId: 'ticket.id',
      requesterEmail: 'ticket.requester_email',
      requesterName: 'ticket.requester_name',
      subject: 'ticket.subject',
      text: 'ticket.description',
      status: 'ticket.status',
      priority: 'ticket.priority',
      channel: 'ticket.source',
      tags: 'ticket.tags',
      createdAt: 'ticket.created_at',
      updatedAt: 'ticket.updated_at',
    },
    // Freshservice names (its default statuses and priorities) and its API's numeric codes.
    statusMap: {
      open: 'open',
      pending: 'pending',
      resolved: 'solved',
      closed: 'closed',
      '2': 'open',
      '3': 'pending',
      '4': 'solved',
      '5': 'closed',
    },
    priorityMap: { low: 'low', medium: 'normal', high: 'high', urgent: 'urgent', '1': 'low', '2': 'normal', '3': 'high', '4': 'urgent' },
    channelMap: {
      email: 'email',
      portal: 'web',
      phone: 'phone',
      chat: 'chat',
      'feedback widget': 'web',
      yammer: 'social',
      slack: 'chat',
      'ms teams': 'chat',
      '1': 'email',
      '2': 'web',
      '3': 'phone',
      '4': 'chat',
    },
  },
  'zoho-desk': {
    items: '$',
    fields: {
      externalId: 'payload.id',
      requesterEmail: 'payload.email',
      requesterId: 'payload.contactId',
      subject: 'payload.subject',
      text: 'payload.description',
      status: 'payload.status',
      priority: 'payload.priority',
      channel: 'payload.channel',
      createdAt: 'payload.createdTime',
      updatedAt: 'payload.modifiedTime',
    },
    statusMap: { open: 'open', 'on hold': 'on-hold', escalated: 'open', closed: 'closed' },
    priorityMap: { low: 'low', medium: 'normal', high: 'high', urgent: 'urgent' },
    channelMap: {
      email: 'email',
      web: 'web',
      'feedback widget': 'web',
      forums: 'web',
      phone: 'phone',
      chat: 'chat',
      twitter: 'social',
      facebook: 'social',
    },
  },
};
