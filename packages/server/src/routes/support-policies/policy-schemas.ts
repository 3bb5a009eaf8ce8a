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
const experiment = z
  .strictObject({
    holdoutPercent: z
      .number()
      .int('a whole percentage')
      .min(1, 'at least 1 percent, or leave the experiment out')
      .max(50, 'at most 50 percent: the holdout is the smaller group'),
  })
  .describe('run as an experiment: this share of matching customers (by account) keep the handling they would get without the policy');
export const supportPolicyBody = z.strictObject({
  name: z.string().min(1).max(200),
  position: z.number().int().min(0).max(1_000_000).describe('lower applies first; for each attribute the first matching policy wins'),
  when: z.string().min(1).max(10_000).describe('a rule about the ticket, such as in segment "high-value" and channel = "email"'),
  set: policySet,
  experiment: experiment.optional(),
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
  experiment: experiment.nullable(),
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
  heldOut: z.array(z.string()).describe('policies whose rule held but whose experiment kept this customer in its holdout'),
  decidedAt: z.date(),
});
export const previewSchema = z.object({
  openTickets: z.number(),
  changed: z.number().describe('open tickets whose decision would differ'),
  samples: z.array(
    z.object({ id: z.string(), before: decisionSchema.omit({ decidedAt: true }), after: decisionSchema.omit({ decidedAt: true }) }),
  ),
});

const interval = z.object({ low: z.number(), high: z.number() });
/** `GET /support-policies/{key}/experiment`. */
export const experimentReadoutSchema = z.object({
  policy: z.string(),
  holdoutPercent: z.number(),
  arms: z.object({
    treatment: z.object({ tickets: z.number(), accounts: z.number() }),
    holdout: z.object({ tickets: z.number(), accounts: z.number() }),
  }),
  metrics: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      kind: z.enum(['proportion', 'mean']),
      better: z.enum(['higher', 'lower']),
      treatment: z.object({ n: z.number(), value: z.number().nullable() }),
      holdout: z.object({ n: z.number(), value: z.number().nullable() }),
      difference: z.number().nullable().describe('treatment minus holdout'),
      ci: interval.nullable().describe('95% interval of the difference'),
      pValue: z.number().nullable().describe('two-sided; null when there is nothing to test'),
      warnings: z.array(z.string()),
    }),
  ),
  warnings: z.array(z.string()),
});
