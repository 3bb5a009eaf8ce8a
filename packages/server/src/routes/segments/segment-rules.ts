import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { computedFields, validateRule, validateTicketRule, type Target } from '@strata/core';
import { inWorkspaceTransaction, loadFieldSchema, selectRuleMembers, type Database } from '@strata/storage';
import type { Authenticated } from '../../http/management-auth.js';

const ruleInput = z.object({
  target: z.enum(['person', 'account']).describe('who the rule selects'),
  rule: z.string().max(10_000).describe('rule text, such as plan = "pro" and mrr >= 1000'),
});
const validateInput = z.object({
  target: z.enum(['person', 'account', 'ticket']).describe('who the rule selects; "ticket" for the "when" of a support policy'),
  rule: ruleInput.shape.rule,
});
const diagnosticSchema = z.object({ code: z.string(), message: z.string(), span: z.object({ start: z.number(), end: z.number() }) });
const invalid = z.object({ ok: z.literal(false), diagnostics: z.array(diagnosticSchema) });
const validateResponse = z.union([z.object({ ok: z.literal(true), ir: z.record(z.string(), z.unknown()), text: z.string() }), invalid]);
const previewResponse = z.union([
  z.object({
    ok: z.literal(true),
    text: z.string(),
    count: z.number(),
    sample: z.array(z.object({ id: z.string() })),
    tookMs: z.number(),
  }),
  invalid,
]);

/** How many members a preview shows. */
const sampleSize = 20;
/**
 * How a preview's statement is planned and bounded (measured in docs/benchmarks.md, "rule
 * previews, fourth pass"). A preview decides a rule over a whole workspace, read-only, and
 * previews are few, so it may use parallel workers where the live worker (one profile at a time)
 * turns them off: planned in parallel from a tenth of the default setup cost. Its tables are hot
 * and cached, where an index page costs about what a sequential one does: at the default
 * random_page_cost (4) the planner scans every event of a window rather than the covering
 * (name, time) index that holds their properties (migration 0036).
 */
const previewSettings: Record<string, string> = {
  // A rule may be expensive (or a pattern slow); a preview must not hold the database.
  statement_timeout: '10000',
  random_page_cost: '1.1',
  parallel_setup_cost: '100',
  parallel_tuple_cost: '0.01',
};

/** Rule validation and live previews: what the editor calls while someone types. */
export function registerSegmentRuleRoutes(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; auth: Authenticated; now: () => Date },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/segments/validate',
    {
      schema: {
        operationId: 'validateSegmentRule',
        summary: 'Check a rule: its IR and canonical text, or every mistake with its position',
        tags: ['segments'],
        body: validateInput,
        response: { 200: validateResponse },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const schema = await loadFieldSchema(scope);
      const { target, rule } = request.body;
      const result = target === 'ticket' ? validateTicketRule(rule, { schema }) : validateRule(rule, { target, schema });
      return result.ok ? { ok: true as const, ir: result.rule as unknown as Record<string, unknown>, text: result.text } : result;
    },
  );
  api.get(
    '/fields',
    {
      schema: {
        operationId: 'listFields',
        summary: 'The fields rules can use in this workspace, with their types',
        tags: ['segments'],
        response: {
          200: z.object({
            person: z.record(z.string(), z.string()),
            account: z.record(z.string(), z.string()),
            membership: z.record(z.string(), z.string()),
            events: z.record(z.string(), z.record(z.string(), z.string())),
            ticket: z.record(z.string(), z.string()),
            survey: z.record(z.string(), z.string()),
            segments: z
              .record(z.string(), z.object({ target: z.enum(['person', 'account']), references: z.array(z.string()) }))
              .describe('segment keys rules can refer to (in segment "key"), with their target and the segments they refer to'),
          }),
        },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const schema = await loadFieldSchema(scope);
      // Computed fields (churn_risk) are registered in this process, not in the browser: listed
      // with the traits, the web editor's checker accepts them with their types.
      const computed = (target: Target) => Object.fromEntries(computedFields(target).map((f) => [f.name, f.type]));
      return {
        person: { ...schema.person, ...computed('person') },
        account: { ...schema.account, ...computed('account') },
        membership: schema.membership,
        events: schema.events,
        ticket: schema.ticket,
        survey: schema.survey,
        segments: schema.segments,
      };
    },
  );
  api.post(
    '/segments/preview',
    {
      schema: {
        operationId: 'previewSegmentRule',
        summary: 'Members a rule would have now: their count and a sample',
        tags: ['segments'],
        body: ruleInput,
        response: { 200: previewResponse },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const schema = await loadFieldSchema(scope);
      const result = validateRule(request.body.rule, { target: request.body.target, schema });
      if (!result.ok) return result;
      const started = performance.now();
      const context = { workspaceId: scope.workspaceId, now: deps.now() };
      const { count, sample } = await inWorkspaceTransaction(scope, async ({ db: tx }) => {
        // For this transaction only, in one round trip.
        const settings = Object.entries(previewSettings).map(([name, value]) => sql`set_config(${name}, ${value}, true)`);
        await sql`SELECT ${sql.join(settings)}`.execute(tx);
        // One scan: the window count rides along with the first page of members.
        const page = await tx
          .selectFrom(selectRuleMembers(tx, result.rule, context).as('m'))
          .select(['m.id', 'm.externalId', (eb) => eb.fn.countAll<number>().over().as('total')])
          .orderBy('m.externalId')
          .orderBy('m.id')
          .limit(sampleSize)
          .execute();
        return { count: Number(page[0]?.total ?? 0), sample: page.map((m) => ({ id: m.externalId ?? m.id })) };
      });
      return { ok: true as const, text: result.text, count, sample, tookMs: Math.round(performance.now() - started) };
    },
  );
}
