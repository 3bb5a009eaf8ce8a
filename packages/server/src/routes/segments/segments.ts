import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { SegmentRule } from '@strata/core';
import { createSegment, deleteSegment, previewSegmentEdit, segmentKeyPattern, updateSegment, type SegmentEngine } from '@strata/engine';
import {
  countSegmentMembers,
  findSegment,
  listSegments,
  listSegmentVersions,
  readSegmentBacklog,
  readWorkFailures,
  inWorkspaceTransaction,
  recordAudit,
  type Database,
  type SegmentDefinition,
  type WorkspaceScope,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import { auditBy } from '../audit/index.js';
import type { Authenticated } from '../../http/management-auth.js';
import { segmentProblemError } from './segment-problems.js';

const ruleField = z
  .union([z.string().min(1).max(10_000), z.record(z.string(), z.unknown())])
  .describe('rule text, or the IR that POST /segments/validate returns');
const keyField = z.string().regex(segmentKeyPattern, 'lowercase letters, digits, "-" and "_", at most 63, starting with a letter or digit');
const createBody = z.object({
  key: keyField,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  target: z.enum(['person', 'account'], {
    error:
      'target must be "person" or "account": a segment selects people or accounts; a rule about tickets is the "when" of a support policy (PUT /api/v1/support-policies/{key})',
  }),
  rule: ruleField.optional().describe('rule text, or the IR that POST /segments/validate returns; left out of a manual segment'),
  manual: z.boolean().optional().describe('true: members are set by hand (POST /segments/{key}/members, playbook steps), never by a rule'),
});
const updateBody = z.object({
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  rule: ruleField.optional(),
  dryRun: z.boolean().optional().describe('answer what the new rule would change, and save nothing'),
});
const keyParams = z.object({ key: z.string() });

const versionSchema = z.object({
  version: z.number(),
  state: z.enum(['building', 'active', 'retired']),
  rule: z.string(),
  backfill: z.object({ done: z.number(), total: z.number() }),
  createdAt: z.date(),
  activatedAt: z.date().nullable(),
  failing: z
    .object({
      attempts: z.number(),
      lastError: z.string().describe('SQLSTATE and condition; never data'),
      lastErrorAt: z.date(),
      nextAttemptAt: z.date().nullable().describe('null: parked after its last attempt; edit the rule to try again'),
    })
    .nullable()
    .describe("the backfill's last failure, while it retries with backoff; null when it has not failed"),
});
const segmentSchema = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  target: z.enum(['person', 'account']),
  predefined: z.boolean(),
  manual: z.boolean().describe('members are set by hand, not by a rule (rule is empty)'),
  rule: z.string().describe('the rule of the version that serves (or of the first one, while it is being built)'),
  ir: z.record(z.string(), z.unknown()),
  version: z.number().nullable().describe('the version that serves; null until the first backfill finishes'),
  status: z
    .enum(['building', 'active', 'failed'])
    .describe('failed: no version serves and the first one cannot be built (see building.failing)'),
  building: versionSchema.nullable().describe('a newer version being backfilled, if any'),
  members: z.number(),
  freshness: z.object({
    lastFullEvaluationAt: z.date().nullable(),
    lastLiveChangeAt: z.date().nullable().describe('when this process last changed its membership live'),
    liveLagMs: z.number().describe('how long the oldest queued change of the workspace has waited; 0 when none waits'),
    backlog: z.number().describe('profile changes of the workspace waiting for evaluation'),
    oldestQueuedAt: z.date().nullable(),
    failing: z
      .object({
        retrying: z.number().describe('profile changes whose evaluation of this segment failed, waiting for a retry with backoff'),
        parked: z.number().describe('profile changes that failed every attempt; retried when the rule changes'),
        lastError: z.string().nullable().describe('SQLSTATE and condition of the latest failure; never data'),
        lastErrorAt: z.date().nullable(),
      })
      .describe('live evaluation of this segment that failed'),
  }),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const dryRunSchema = z.object({
  dryRun: z.literal(true),
  rule: z.string(),
  entering: z.number(),
  leaving: z.number(),
  staying: z.number(),
  sampleEntering: z.array(z.string()),
  sampleLeaving: z.array(z.string()),
});

/** What the audit log keeps of a segment: its definition, not its live telemetry. */
function auditedSegment(segment: {
  key: string;
  name: string;
  description: string;
  target: string;
  rule: string;
  version: number | null;
  building: { version: number; rule: string } | null;
}) {
  const { key, name, description, target, rule, building } = segment;
  return { key, name, description, target, rule, version: building?.version ?? segment.version, buildingRule: building?.rule ?? null };
}

/** Segments: create, list, read, edit (with a dry run first), delete. */
export function registerSegmentRoutes(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; auth: Authenticated; now: () => Date; engine: () => SegmentEngine | undefined },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // The backlog is the workspace's, not the segment's: a list reads it once for all segments.
  const view = async (scope: WorkspaceScope, segment: SegmentDefinition, backlog?: Awaited<ReturnType<typeof readSegmentBacklog>>) => {
    const versions = await listSegmentVersions(scope, segment.key);
    const active = versions.find((v) => v.state === 'active');
    const building = versions.find((v) => v.state === 'building');
    // A segment always has a version (they are written together); one without is shown, not a 500 for the list.
    const serving = active ?? building;
    const queue = backlog ?? (await readSegmentBacklog(scope));
    const failing = await readWorkFailures(scope, segment.key);
    const buildFailed = building?.backfillLastError ? building : undefined;
    return {
      key: segment.key,
      name: segment.name,
      description: segment.description,
      target: segment.target,
      predefined: segment.predefined,
      manual: segment.manual,
      rule: serving?.text ?? '',
      ir: (serving?.rule ?? {}) as unknown as Record<string, unknown>,
      version: active?.version ?? null,
      status: active ? ('active' as const) : serving && !buildFailed ? ('building' as const) : ('failed' as const),
      building: building
        ? {
            version: building.version,
            state: building.state,
            rule: building.text,
            backfill: { done: building.backfillDone, total: building.backfillTotal },
            createdAt: building.createdAt,
            activatedAt: building.activatedAt,
            failing:
              buildFailed?.backfillLastError && buildFailed.backfillLastErrorAt
                ? {
                    attempts: buildFailed.backfillAttempts,
                    lastError: buildFailed.backfillLastError,
                    lastErrorAt: buildFailed.backfillLastErrorAt,
                    nextAttemptAt: buildFailed.backfillNextAttemptAt,
                  }
                : null,
          }
        : null,
      members: await countSegmentMembers(scope, segment.key),
      freshness: {
        lastFullEvaluationAt: active?.lastFullEvaluationAt ?? null,
        lastLiveChangeAt: deps.engine()?.metrics.lastLiveChangeAt(scope.workspaceId, segment.key) ?? null,
        liveLagMs: queue.oldest ? Math.max(0, scope.clock().getTime() - queue.oldest.getTime()) : 0,
        backlog: queue.queued,
        oldestQueuedAt: queue.oldest,
        failing,
      },
      createdAt: segment.createdAt,
      updatedAt: segment.updatedAt,
    };
  };
  const found = async (scope: WorkspaceScope, key: string) => {
    const segment = await findSegment(scope, key);
    if (!segment) throw new AppError('NOT_FOUND', `no segment "${key}" in this workspace`);
    return segment;
  };

  api.post(
    '/segments',
    {
      schema: {
        operationId: 'createSegment',
        summary: 'Create a segment; answers once its members are filled',
        errors: [409, 422],
        tags: ['segments'],
        body: createBody,
        response: { 201: segmentSchema },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'segments:write');
      const { scope } = caller;
      const body = request.body;
      const outcome = await createSegment(
        scope,
        {
          key: body.key,
          name: body.name,
          target: body.target,
          rule: body.rule as string | SegmentRule | undefined,
          ...(body.manual !== undefined ? { manual: body.manual } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
        },
        { statementTimeoutMs: deps.engine()?.statementTimeoutMs },
      );
      if (!outcome.ok) throw segmentProblemError(outcome.problem);
      const created = await view(scope, outcome.value);
      // A segment is made in several transactions (its backfill); it is recorded once it exists.
      await inWorkspaceTransaction(scope, (tx) =>
        recordAudit(tx, { ...auditBy(request, caller), kind: 'segment.created', subject: body.key, after: auditedSegment(created) }),
      );
      return reply.status(201).send(created);
    },
  );
  api.get(
    '/segments',
    {
      schema: {
        operationId: 'listSegments',
        summary: 'Every segment of the workspace',
        tags: ['segments'],
        response: { 200: z.array(segmentSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const segments = await listSegments(scope);
      const backlog = await readSegmentBacklog(scope);
      return Promise.all(segments.map((s) => view(scope, s, backlog)));
    },
  );
  api.get(
    '/segments/:key',
    {
      schema: {
        operationId: 'getSegment',
        summary: 'One segment, with its version, backfill progress and freshness',
        tags: ['segments'],
        params: keyParams,
        response: { 200: segmentSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      return view(scope, await found(scope, request.params.key));
    },
  );
  api.get(
    '/segments/:key/versions',
    {
      schema: {
        operationId: 'listSegmentVersions',
        summary: 'Every version of a segment, newest first, with its rule, state and backfill progress',
        tags: ['segments'],
        params: keyParams,
        response: { 200: z.array(versionSchema.omit({ failing: true })) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      await found(scope, request.params.key);
      const versions = await listSegmentVersions(scope, request.params.key);
      return versions.map((v) => ({
        version: v.version,
        state: v.state,
        rule: v.text,
        backfill: { done: v.backfillDone, total: v.backfillTotal },
        createdAt: v.createdAt,
        activatedAt: v.activatedAt,
      }));
    },
  );
  api.put(
    '/segments/:key',
    {
      schema: {
        operationId: 'updateSegment',
        summary: 'Edit a segment; with dryRun, answer how many would enter and leave, and save nothing',
        errors: [422],
        tags: ['segments'],
        params: keyParams,
        body: updateBody,
        response: { 200: z.union([segmentSchema, dryRunSchema]) },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'segments:write');
      const { scope } = caller;
      const { rule, dryRun, name, description } = request.body;
      if (dryRun) {
        if (rule === undefined)
          throw new AppError('INVALID_INPUT', 'rule: a dry run needs the new rule', [{ field: 'rule', message: 'required with dryRun' }]);
        const preview = await previewSegmentEdit(scope, request.params.key, rule as string | SegmentRule);
        if (!preview.ok) throw segmentProblemError(preview.problem);
        return { dryRun: true as const, rule: preview.value.text, ...preview.value };
      }
      const previous = await findSegment(scope, request.params.key);
      const before = previous ? auditedSegment(await view(scope, previous)) : null;
      const outcome = await updateSegment(
        scope,
        request.params.key,
        { name, description, rule: rule as string | SegmentRule | undefined },
        { statementTimeoutMs: deps.engine()?.statementTimeoutMs },
      );
      if (!outcome.ok) throw segmentProblemError(outcome.problem);
      const updated = await view(scope, outcome.value);
      const after = auditedSegment(updated);
      await inWorkspaceTransaction(scope, (tx) =>
        recordAudit(tx, {
          ...auditBy(request, caller),
          kind: after.version !== before?.version ? 'segment.version-created' : 'segment.updated',
          subject: request.params.key,
          before,
          after,
        }),
      );
      return updated;
    },
  );
  api.delete(
    '/segments/:key',
    {
      schema: {
        operationId: 'deleteSegment',
        summary: 'Delete a segment no other segment uses',
        tags: ['segments'],
        params: keyParams,
        errors: [409],
        response: { 204: z.undefined().describe('Deleted') },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'segments:write');
      const { scope } = caller;
      const previous = await findSegment(scope, request.params.key);
      const before = previous ? auditedSegment(await view(scope, previous)) : null;
      const outcome = await deleteSegment(scope, request.params.key, (tx) =>
        recordAudit(tx, { ...auditBy(request, caller), kind: 'segment.deleted', subject: request.params.key, before }),
      );
      if (!outcome.ok) throw segmentProblemError(outcome.problem);
      return reply.status(204).send();
    },
  );
}
