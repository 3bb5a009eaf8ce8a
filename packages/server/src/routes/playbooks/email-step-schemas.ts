import { z } from 'zod';

const template = (max: number) => z.string().min(1).max(max).describe('a Liquid template over person, account, event and unsubscribeUrl');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM on a 24-hour clock, such as "21:00"');

/** The email and survey steps; their templates are parsed by the playbook check, which names the field that fails. */
export const emailSteps = [
  z.strictObject({
    type: z.literal('email'),
    subject: template(2_000),
    text: template(100_000),
    html: template(200_000).optional(),
    transactional: z
      .boolean()
      .optional()
      .describe(
        'true for email a person needs whatever they chose (a receipt): it goes to unsubscribed people and skips quiet hours and the cap',
      ),
  }),
  z.strictObject({
    type: z.literal('survey'),
    kind: z.enum(['nps', 'csat']),
    subject: template(2_000),
    text: template(100_000)
      .optional()
      .describe(
        'the text around the links; `surveyLinks` (score and url) and `surveyUrl` are in the template; a question and one link per score by default',
      ),
  }),
] as const;

export const frequencyCap = z
  .strictObject({ max: z.number().int().min(1).max(1_000), days: z.number().int().min(1).max(365) })
  .describe("at most `max` marketing emails to a person in any `days` days, across all playbooks; the workspace's default when absent");

export const quietHours = z
  .strictObject({ start: clock, end: clock })
  .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] })
  .describe(
    "no marketing email between these times on the customer's clock (trait timezone, else their account's, else the workspace's); sends wait to `end`",
  );
