import { z } from 'zod';
import { policyAttributes, ticketChannels, ticketPriorities } from '@strata/core';

/** Keys of SLA and support policies (and the queues and response sets they name), as the tables check them. */
export const policyKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and "-", at most 64, starting with a letter or digit');
export const keyParams = z.object({ key: policyKey });

const minutes = z.number().int().min(1).max(525_600, 'at most 525600 minutes (a year)');
const slaTarget = z.strictObject({
  firstResponseMinutes: minutes,
  nextResponseMinutes: minutes.optional().describe('from each customer message after the first response'),
  resolutionMinutes: minutes,
});
const slaTargets = z
  .strictObject({ urgent: slaTarget.optional(), high: slaTarget.optional(), normal: slaTarget.optional(), low: slaTarget.optional() })
  .refine((t) => Object.values(t).some((v) => v !== undefined), 'give a target for at least one priority: urgent, high, normal or low');

export const slaPolicyBody = z.strictObject({
  name: z.string().min(1).max(200),
  businessHours: z.boolean().describe("count in the workspace's business hours and holidays (PUT /settings/business-hours)"),
  targets: slaTargets,
});
export const slaPolicySchema = slaPolicyBody.extend({ key: z.string() });
export const slaSettingsSchema = z.strictObject({
  warningMinutes: z.number().int().min(0).max(10_080).describe('minutes before an SLA target that sla.warning fires; 15 by default'),
});

const policySet = z.strictObject({
  priority: z.enum(ticketPriorities).optional(),
  sla: policyKey.optional().describe('an SLA policy key'),
  queue: policyKey.optional().describe('a queue key; kept as given until queues exist'),
  tags: z.array(z.string().min(1).max(200)).max(50).optional(),
  responseSet: policyKey.optional().describe('a set of canned responses, by key'),
  channels: z.array(z.enum(ticketChannels)).min(1).max(ticketChannels.length).optional().describe('channels the customer is offered'),
});
export const supportPolicyBody = z.strictObject({
  name: z.string().min(1).max(200),
  position: z.number().int().min(0).max(1_000_000).describe('lower applies first; for each attribute the first matching policy wins'),
  when: z.string().min(1).max(10_000).describe('a rule about the ticket, such as in segment "high-value" and channel = "email"'),
  set: policySet,
});
export const previewBody = z.union([
  supportPolicyBody.extend({ key: policyKey.default('preview') }),
  z
    .array(supportPolicyBody.extend({ key: policyKey }))
    .min(1)
    .max(50),
]);

const redecision = z
  .object({
    status: z.enum(['running', 'done']),
    done: z.number(),
    total: z.number(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .nullable()
  .describe('open tickets decided again after the last change');
export const supportPolicySchema = z.object({
  key: z.string(),
  name: z.string(),
  position: z.number(),
  when: z.string().describe('the canonical text of the rule'),
  set: policySet,
  redecision,
});

const decidedSla = z
  .object({
    key: z.string(),
    firstResponseDueAt: z.string().nullable(),
    nextResponseDueAt: z.string().nullable(),
    resolutionDueAt: z.string().nullable(),
    breached: z.array(z.enum(['first-response', 'next-response', 'resolution'])),
  })
  .nullable();
/** The decision on a ticket, as `GET /tickets/{id}` carries it and its history lists it. */
export const decisionSchema = z.object({
  priority: z.string().nullable().describe("the first matching policy's, else the ticket's own"),
  queue: z.string().nullable(),
  assignee: z.string().nullable().describe("the agent the decision's queue assigned (routing), null until routed"),
  tags: z.array(z.string()),
  responseSet: z.string().nullable(),
  channels: z.array(z.string()).nullable(),
  sla: decidedSla,
  matched: z.array(z.object({ policy: z.string(), attribute: z.enum(policyAttributes) })),
  decidedAt: z.date(),
});
export const previewSchema = z.object({
  openTickets: z.number(),
  changed: z.number().describe('open tickets whose decision would differ'),
  samples: z.array(
    z.object({ id: z.string(), before: decisionSchema.omit({ decidedAt: true }), after: decisionSchema.omit({ decidedAt: true }) }),
  ),
});
