import { z } from 'zod';
import { helpDeskKeyPattern } from '@strata/engine';
import type { TicketRef } from '@strata/storage';
import { decisionSchema } from '../support-policies/index.js';

/** The ticket as the API answers it, and how a path names one: shared by the ticket routes. */
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sentiment = z.object({ label: z.string(), score: z.number() }).nullable();
export const ticketSchema = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  source: z.string(),
  userId: z.string().nullable(),
  groupId: z.string().nullable(),
  subject: z.string().nullable(),
  description: z.string().nullable(),
  priority: z.string().nullable(),
  status: z.string().nullable(),
  channel: z.string().nullable(),
  tags: z.array(z.string()),
  group: z.string().nullable(),
  assignee: z.string().nullable(),
  open: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
  firstResponseAt: z.date().nullable(),
  solvedAt: z.date().nullable(),
  reopenCount: z.number(),
  csat: z.object({ score: z.number(), comment: z.string().nullable() }).nullable(),
  sentiment: sentiment.describe("the customer's latest message: negative, neutral or positive, score -1..1"),
  worstSentiment: sentiment,
  language: z.string().nullable().describe('ISO 639-1 language the customer writes in'),
  topic: z
    .string()
    .nullable()
    .describe("the main topic (billing, bug, how-to, account-access, cancellation, feature-request or the workspace's own)"),
  topics: z.array(z.string()).describe('every topic the ticket is tagged with, the main one first'),
  firstResponseMinutes: z.number().nullable(),
  firstResponseBusinessMinutes: z.number().nullable(),
  resolutionMinutes: z.number().nullable(),
  resolutionBusinessMinutes: z.number().nullable(),
  messages: z.array(
    z.object({
      id: z.string(),
      externalId: z.string().nullable(),
      author: z.enum(['customer', 'agent']),
      public: z.boolean(),
      body: z.string(),
      createdAt: z.date(),
      sentiment,
      sentimentCorrection: z.string().nullable().describe("an agent's label, when one corrected this message's sentiment"),
      language: z.string().nullable(),
      languageConfidence: z.number().nullable().describe('0..1; 1 when the language came from a trait'),
      languageSource: z.string().nullable().describe('text, requester (their language trait) or account (its language trait)'),
      languageSupported: z.boolean().describe('false when the language has no sentiment lexicon: no sentiment rather than a guess'),
    }),
  ),
  policy: decisionSchema.nullable().describe('what the support policies decided for the ticket now; null before its first decision'),
});
export const idParams = z.object({ id: z.string().min(1).max(256) });
export const sourceQuery = z.object({
  source: z
    .string()
    .regex(helpDeskKeyPattern)
    .optional()
    .describe('api, zendesk, freshdesk, intercom, or the key of a help desk connected by webhook (freshservice)'),
});

/** `{id}` is Strata's ticket id (a UUID) or an external id, of the API's own tickets first unless `source` says. */
export function refOf(id: string, source: string | undefined): TicketRef {
  return uuid.test(id) && !source ? { ticketId: id } : { externalId: id, ...(source ? { source } : {}) };
}
