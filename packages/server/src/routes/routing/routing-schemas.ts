import { z } from 'zod';
import { assignmentMethods, languageFallbacks, queueHelpDesks, type QueueHelpDesk } from '@strata/core';

const language = z
  .string()
  .regex(/^[a-z]{2}$/i, 'an ISO 639-1 code such as "en" or "de"')
  .transform((l) => l.toLowerCase());

const agentSeat = z.object({
  email: z.email('an email address, such as ana@example.com').transform((e) => e.toLowerCase()),
  skills: z.array(z.string().trim().min(1).max(64)).max(50).default([]),
  languages: z.array(language).max(50).default([]),
  capacity: z.number().int('a whole number of open tickets').min(1).max(1000).default(10),
});

const groupId = z.string().trim().min(1).max(100);
/** The queue's group id in each help desk (Intercom: a team id); one not listed is left alone there. */
const helpDeskGroups = z.strictObject(
  Object.fromEntries(queueHelpDesks.map((desk) => [desk, groupId.optional()])) as Record<QueueHelpDesk, z.ZodOptional<typeof groupId>>,
);

export const queueBody = z.object({
  name: z.string().trim().min(1).max(200),
  agents: z
    .array(agentSeat)
    .max(500)
    .refine((agents) => new Set(agents.map((a) => a.email)).size === agents.length, 'each agent once: an email is listed twice'),
  assignment: z.enum(assignmentMethods).default('round-robin'),
  languageFallback: z.enum(languageFallbacks).default('any-agent'),
  helpDeskGroups: helpDeskGroups.default({}),
});

export const queueSchema = z.object({
  key: z.string(),
  name: z.string(),
  agents: z.array(z.object({ email: z.string(), skills: z.array(z.string()), languages: z.array(z.string()), capacity: z.number() })),
  assignment: z.enum(assignmentMethods),
  languageFallback: z.enum(languageFallbacks),
  helpDeskGroups: z.object({ zendesk: z.string().optional(), freshdesk: z.string().optional(), intercom: z.string().optional() }),
  lastAssigned: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const queueKeyParams = z.object({
  key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a key of lowercase letters, digits and dashes (up to 64), such as "tier-1"'),
});

export const assignmentSchema = z.object({
  ticketId: z.string(),
  queue: z.string(),
  assignee: z.string().nullable(),
  reason: z.string(),
  languageFallback: z.boolean(),
  cause: z.string(),
  at: z.date(),
});

export const agentSchema = z.object({
  email: z.string(),
  status: z.enum(['online', 'away']),
  openTickets: z.number(),
  queues: z.array(z.object({ key: z.string(), capacity: z.number(), skills: z.array(z.string()), languages: z.array(z.string()) })),
});
