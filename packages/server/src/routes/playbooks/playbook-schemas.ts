import { z } from 'zod';
import { experimentGoalMetrics } from '@strata/core';
import type { PlaybookInput, PlaybookStepInput } from '@strata/engine';
import { emailSteps, frequencyCap, quietHours } from './email-step-schemas.js';
/** Keys of playbooks and the segments they name, as the tables check them. */
const key = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and "-", at most 64, starting with a letter or digit');
export const playbookKeyParams = z.object({ key });

const ruleText = z.string().min(1).max(10_000);
const propertyValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const trigger = z
  .discriminatedUnion('on', [
    z.strictObject({ on: z.enum(['segment-entered', 'segment-exited']), segment: key.describe('a segment of people or accounts, by key') }),
    z.strictObject({
      on: z.literal('event'),
      event: z.string().min(1).max(200).describe("a tracked event's name"),
      where: z
        .record(z.string().min(1).max(200), propertyValue)
        .optional()
        .describe('event properties that must equal these values; "a.b" reads a nested property'),
    }),
    z.strictObject({
      on: z.literal('schedule'),
      cron: z.string().min(1).max(200).describe("five cron fields (minute hour day month weekday) in the workspace's timezone"),
      segment: key.describe('everyone in this segment at each cron time is enrolled'),
    }),
    z.strictObject({
      on: z.literal('health-band-changed'),
      to: z.string().min(1).max(200).optional().describe('only changes into this band'),
    }),
    z.strictObject({ on: z.literal('ticket-solved') }),
  ])
  .describe('what enrolls a person: a segment change, an event, a schedule, a health band change or a solved ticket');

const traitName = z.string().min(1).max(200);
const plainSteps = [
  z.strictObject({
    type: z.literal('wait'),
    minutes: z.number().int().min(0).max(525_600).optional(),
    hours: z.number().int().min(0).max(8_760).optional(),
    days: z.number().int().min(0).max(365).optional(),
    until: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM on a 24-hour clock, such as "09:00"')
      .optional()
      .describe(
        "after the duration, wait on to this time of day in the customer's timezone (trait timezone, else their account's, else the workspace's)",
      ),
  }),
  z.strictObject({
    type: z.literal('task'),
    title: z.string().min(1).max(500),
    assignee: z.string().min(1).max(320).optional().describe("the CSM's email or name"),
    dueInDays: z.number().int().min(0).max(365).optional(),
    reason: z.string().min(1).max(2_000).optional().describe('why the task exists; the playbook by default'),
  }),
  z.strictObject({
    type: z.literal('set-trait'),
    trait: traitName,
    value: z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]),
  }),
  z.strictObject({
    type: z.literal('webhook'),
    url: z.string().min(1).max(2_000),
    secret: z
      .string()
      .max(200)
      .optional()
      .describe('a Standard Webhooks secret, whsec_ + base64; generated when left out and answered once, by the PUT that made it'),
  }),
  z.strictObject({ type: z.literal('exit-when'), if: ruleText.describe('a rule about the person; when it holds the enrolment ends') }),
  z.strictObject({
    type: z.enum(['add-to-segment', 'remove-from-segment']),
    segment: key.describe('a manual segment of people, by key'),
  }),
  z.strictObject({
    type: z.literal('in-app'),
    title: z.string().min(1).max(200),
    body: z.string().min(1).max(5_000),
    cta: z
      .strictObject({ label: z.string().min(1).max(100), url: z.string().min(1).max(2_000).describe('an http(s) URL') })
      .optional()
      .describe('a call to action the product shows as a button'),
    expiresInDays: z.number().int().min(1).max(365).optional().describe('the message is no longer shown after this; 30 by default'),
  }),
  ...emailSteps,
] as const;

/** A step of a playbook; `branch` holds two lists of steps. */
export const playbookStep: z.ZodType<PlaybookStepInput> = z.lazy(() =>
  z.discriminatedUnion('type', [
    ...plainSteps,
    z.strictObject({
      type: z.literal('branch'),
      if: ruleText.describe('a rule about the person, decided when the step runs'),
      then: z.array(playbookStep).max(50),
      else: z.array(playbookStep).max(50).default([]),
    }),
  ]),
);

// Recursive: the OpenAPI document can only refer to it by name, as a component.
z.globalRegistry.add(playbookStep, { id: 'PlaybookStep' });

const armKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lowercase letters, digits and "-", at most 32, starting with a letter or digit');
const withinDays = z.number().int().min(1).max(365).optional().describe('the goal window after each enrolment, in days; 30 when left out');
const experiment = z
  .strictObject({
    arms: z
      .array(
        z.strictObject({
          key: armKey,
          weight: z.number().positive().max(100).describe("the arm's percentage of the people not held out; the arms' weights sum to 100"),
          steps: z.array(playbookStep).max(50).describe("what this arm's enrolments run, instead of the playbook's steps"),
        }),
      )
      .min(1, 'give at least one arm')
      .max(10),
    holdoutPercent: z
      .number()
      .min(0)
      .max(50)
      .describe('the percentage of enrolments held out: no steps, measured as the baseline (0 to 50)'),
    goal: z.union([
      z.strictObject({ rule: ruleText.describe('a rule about the person; reached when it holds within the window'), withinDays }),
      z.strictObject({
        metric: z.enum(experimentGoalMetrics),
        withinDays,
        event: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe('conversion: the event that counts as converting; "Order Completed" by default'),
      }),
    ]),
  })
  .describe('an A/B test: each enrolment is assigned an arm (or the holdout) by a hash of playbook, version and person');

// GET answers null for what a playbook leaves out, and its read-only fields: a client that GETs a
// playbook, edits a field and PUTs it back must succeed, so null reads as absent and the read-only
// fields are accepted and dropped (the route checks `key` against the path's).
const absentWhenNull = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

export const playbookBody = z
  .strictObject({
    key: key.optional().describe("read-only, as GET answers it: must be the path's key when given"),
    version: z.number().optional().describe('read-only, as GET answers it: ignored'),
    updatedAt: z.string().optional().describe('read-only, as GET answers it: ignored'),
    name: z.string().min(1).max(200),
    enabled: z.boolean().describe('the kill switch: false stops every enrolment before its next step'),
    trigger,
    filter: absentWhenNull(ruleText).describe('only people this rule holds for when triggered are enrolled; null or absent: everyone'),
    steps: z.array(playbookStep).max(50),
    reenrollAfterDays: absentWhenNull(z.number().int().min(0).max(3_650)).describe(
      'enroll a person again this many days after their last enrolment started; once only when null or absent',
    ),
    experiment: absentWhenNull(experiment),
    frequencyCap: absentWhenNull(frequencyCap),
    quietHours: absentWhenNull(quietHours),
  })
  .refine((p) => p.steps.length > 0 || p.experiment !== undefined, { message: 'give at least one step', path: ['steps'] });

/** The playbook a PUT body describes, without the read-only fields GET answers. */
export function playbookInput(body: z.output<typeof playbookBody>): PlaybookInput {
  const { name, enabled, trigger, filter, steps, reenrollAfterDays, experiment, frequencyCap, quietHours } = body;
  return { name, enabled, trigger, filter, steps, reenrollAfterDays, experiment, frequencyCap, quietHours };
}

export const playbookSchema = z.object({
  key: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  version: z.number().describe('grows by one on each change; an enrolment finishes on the version it started on'),
  trigger,
  filter: z.string().nullable(),
  steps: z.array(playbookStep).describe('rules (`if`) in their canonical text'),
  reenrollAfterDays: z.number().nullable(),
  experiment: experiment.nullable(),
  frequencyCap: frequencyCap.nullable(),
  quietHours: quietHours.nullable(),
  updatedAt: z.string(),
});

export const stepRunSchema = z.object({
  path: z.string().describe('where the step is: "2.then.0" is the first then-step of the third step'),
  type: z.string(),
  outcome: z.string(),
  detail: z.unknown(),
  at: z.string(),
});

export const enrolmentStatuses = ['active', 'completed', 'exited', 'stopped', 'failed'] as const;
export const runSchema = z.object({
  id: z.string(),
  playbook: z.string(),
  version: z.number(),
  userId: z.string().nullable(),
  status: z.enum(enrolmentStatuses),
  nextStep: z.string().nullable(),
  error: z.string().nullable(),
  cause: z.record(z.string(), z.unknown()),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  arm: z.string().nullable().describe('the experiment arm the run was assigned (`holdout`: no steps); null without an experiment'),
  steps: z.array(stepRunSchema),
});

export const runsQuery = z.object({
  status: z.enum(enrolmentStatuses).optional(),
  personId: z.string().min(1).max(500).optional().describe("the person's userId"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const taskSchema = z.object({
  id: z.string(),
  playbook: z.string().nullable(),
  runId: z.string().nullable(),
  personId: z.string(),
  title: z.string(),
  assignee: z.string().nullable(),
  reason: z.string().nullable(),
  dueAt: z.string().nullable(),
  status: z.enum(['open', 'done']),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});
