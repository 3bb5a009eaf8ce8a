import { z } from 'zod';
import { ticketChannels, ticketPriorities, ticketStatuses } from '@strata/core';
import { jsonPathPattern } from './json-path.js';

/** A help desk's key: its URL segment and the `source` of its tickets; never a built-in source's name. */
export const helpDeskKeyPattern = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const reservedHelpDeskKeys = ['api', 'zendesk', 'freshdesk', 'intercom'];

const path = z.string().regex(jsonPathPattern, 'a dotted path into the JSON body, such as ticket.requester.email, or $ for the body');

/** Where in the body each ticket field is. Paths are relative to each item when `items` is set. */
export const fieldMappingSchema = z
  .object({
    externalId: path.describe("the help desk's ticket id"),
    eventId: path.describe('an id of this delivery, for deduplication; without one, a redelivery is recognised by its bytes'),
    requesterEmail: path,
    requesterId: path.describe("the help desk's own id of the requester; kept as an anonymous id `{key}:{id}`"),
    requesterUserId: path.describe("your product's userId of the requester, when the help desk knows it"),
    requesterName: path,
    groupId: path.describe("the requester's account (groupId)"),
    subject: path,
    text: path.describe("the ticket's description: what the customer wrote"),
    status: path,
    priority: path,
    channel: path,
    tags: path.describe('an array of strings or a comma-separated string'),
    createdAt: path,
    updatedAt: path.describe('the time of this state; an older state than the stored one is ignored'),
  })
  .partial();
export type FieldMapping = z.output<typeof fieldMappingSchema>;
export type MappedField = keyof FieldMapping;

const valueMap = <T extends readonly [string, ...string[]]>(values: T) => z.record(z.string().min(1), z.enum(values));

/** How deliveries authenticate: a shared-secret HMAC of the body in a header, HTTP Basic, or only the URL's token. */
export const helpDeskAuthSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hmac'),
    header: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'a header name such as X-Signature'),
    algorithm: z.enum(['sha256', 'sha1']).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    prefix: z.string().max(20).default('').describe('text before the digest in the header, such as sha256='),
    secret: z.string().min(8).max(1000),
  }),
  z.object({ type: z.literal('basic'), username: z.string().min(1).max(200), password: z.string().min(8).max(1000) }),
  z.object({ type: z.literal('token') }),
]);
export type HelpDeskAuthInput = z.output<typeof helpDeskAuthSchema>;

export const helpDeskPresetNames = ['freshservice', 'zoho-desk'] as const;
export type HelpDeskPresetName = (typeof helpDeskPresetNames)[number];

/** `PUT /api/v1/integrations/webhook-helpdesk/{key}`: a preset, or a mapping of your own, or a preset with overrides. */
export const helpDeskWebhookInput = z.object({
  preset: z.enum(helpDeskPresetNames).optional(),
  auth: helpDeskAuthSchema,
  items: path.optional().describe('when each delivery carries several events: the path of their array ($ for a body that is one)'),
  fields: fieldMappingSchema.optional(),
  statusMap: valueMap(ticketStatuses).optional(),
  priorityMap: valueMap(ticketPriorities).optional(),
  channelMap: valueMap(ticketChannels).optional(),
});
export type HelpDeskWebhookInput = z.output<typeof helpDeskWebhookInput>;

/** What is stored in `integrations.config`: everything but the secrets, which are sealed apart. */
export interface HelpDeskWebhookConfig {
  preset: HelpDeskPresetName | null;
  auth:
    | { type: 'hmac'; header: string; algorithm: 'sha256' | 'sha1'; encoding: 'hex' | 'base64'; prefix: string }
    | { type: 'basic' }
    | { type: 'token' };
  items: string | null;
  fields: FieldMapping;
  /** Keys lower-cased: help desks are not consistent about case. */
  statusMap: Record<string, (typeof ticketStatuses)[number]>;
  priorityMap: Record<string, (typeof ticketPriorities)[number]>;
  channelMap: Record<string, (typeof ticketChannels)[number]>;
}
