import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { explainRule } from '@strata/core';
import {
  findProfileId,
  findSegment,
  listMemberHistory,
  listMembersAsOf,
  listProfileSegments,
  listSegmentChanges,
  listSegmentDailySizes,
  listSegmentMembers,
  listSegmentVersions,
  loadAccountRecord,
  loadPersonRecord,
  readWorkspaceHours,
  RecordTooLargeError,
  searchSegmentMembers,
  type Database,
  type WorkspaceScope,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { asOfTime, changeCursor, decodeMemberCursor, encodeMemberCursor, isChangeCursor, memberCursor } from './segment-cursors.js';

const keyParams = z.object({ key: z.string() });
const causeSchema = z.record(z.string(), z.unknown());
const changeSchema = z.object({
  cursor: z.string(),
  id: z.string(),
  change: z.enum(['enter', 'exit']),
  at: z.date(),
  version: z.number(),
  cause: causeSchema,
});
type ConditionView = {
  text: string;
  holds: boolean;
  actual?: unknown;
  needs?: string | undefined;
  summary: string;
  conditions?: ConditionView[] | undefined;
};
const conditionSchema: z.ZodType<ConditionView> = z.lazy(() =>
  z.object({
    text: z.string(),
    holds: z.boolean(),
    actual: z.unknown().optional(),
    needs: z.string().optional(),
    summary: z.string(),
    conditions: z.array(conditionSchema).optional(),
  }),
);
// Recursive: the OpenAPI document can only refer to it by name, as a component.
z.globalRegistry.add(conditionSchema, { id: 'ExplainCondition' });

/** Who is in a segment (now or as of a time), why, since when, and what changed. */
export function registerSegmentMemberRoutes(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; auth: Authenticated; now: () => Date; streamPollMs?: number },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Open streams end when the server begins to close, so shutdown never waits on a client.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const segmentOf = async (scope: WorkspaceScope, key: string) => {
    const segment = await findSegment(scope, key);
    if (!segment) throw new AppError('NOT_FOUND', `no segment "${key}" in this workspace`);
    return segment;
  };

  api.get(
    '/segments/:key/members',
    {
      schema: {
        operationId: 'getSegmentMembers',
        summary: 'Members of a segment, now or as of a past time',
        tags: ['segments'],
        params: keyParams,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          cursor: memberCursor.optional(),
          asOf: asOfTime.optional().describe('ISO-8601 time: members as they were then'),
        }),
        response: {
          200: z.object({ items: z.array(z.object({ id: z.string(), enteredAt: z.date() })), nextCursor: z.string().nullable() }),
        },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const segment = await segmentOf(scope, request.params.key);
      const { limit, cursor, asOf } = request.query;
      const page = { limit, after: cursor === undefined ? undefined : decodeMemberCursor(cursor) };
      const result = asOf ? await listMembersAsOf(scope, segment, asOf, page) : await listSegmentMembers(scope, segment, page);
      const last = result.items.at(-1);
      return {
        items: result.items.map((m) => ({ id: m.id, enteredAt: m.enteredAt })),
        nextCursor: result.more && last ? encodeMemberCursor(last.memberId) : null,
      };
    },
  );

  api.get(
    '/segments/:key/members/search',
    {
      schema: {
        operationId: 'searchSegmentMembers',
        summary:
          'Find a member: people by userId, email or name, accounts by groupId, name or domain, starting with q, each with whether it is a member now',
        tags: ['segments'],
        params: keyParams,
        querystring: z.object({
          q: z.string().trim().min(1, 'q: type at least one character of an id, email, name or domain').max(256),
          limit: z.coerce.number().int().min(1).max(50).default(10),
        }),
        response: {
          200: z.object({
            items: z
              .array(
                z.object({
                  id: z.string().describe('the userId or groupId'),
                  name: z.string().nullable(),
                  email: z.string().nullable(),
                  domain: z.string().nullable(),
                  member: z.boolean(),
                  enteredAt: z.date().nullable(),
                }),
              )
              .describe('the exact id or email first, then members, then by id; among the exact matches and the first 200 others'),
          }),
        },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const segment = await segmentOf(scope, request.params.key);
      return { items: await searchSegmentMembers(scope, segment, request.query.q, request.query.limit) };
    },
  );

  api.get(
    '/segments/:key/explain',
    {
      schema: {
        operationId: 'explainSegmentMembership',
        summary: 'Why a person or account is in a segment or not: each condition with the values behind it',
        errors: [422],
        tags: ['segments'],
        params: keyParams,
        querystring: z.object({ id: z.string().min(1).describe('the userId or groupId') }),
        response: {
          200: z.object({
            member: z.boolean().describe('what the rule says now'),
            conditions: z.array(conditionSchema),
            membership: z.object({ member: z.boolean(), since: z.date().nullable() }).describe('what the segment holds now'),
            history: z.array(z.object({ change: z.enum(['enter', 'exit']), at: z.date(), version: z.number(), cause: causeSchema })),
          }),
        },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const segment = await segmentOf(scope, request.params.key);
      const versions = await listSegmentVersions(scope, segment.key);
      const version = versions.find((v) => v.state === 'active') ?? versions[0]!;
      const profileId = await findProfileId(scope, segment.target, request.query.id);
      if (!profileId)
        throw new AppError(
          'NOT_FOUND',
          `no ${segment.target === 'person' ? 'person with userId' : 'account with groupId'} "${request.query.id}"`,
        );
      // Only what the rule reads, bounded: an account's people and their events can be many.
      const record = await (
        segment.target === 'person'
          ? loadPersonRecord(scope, profileId, { rule: version.rule, now: deps.now() })
          : loadAccountRecord(scope, profileId, { rule: version.rule, now: deps.now() })
      ).catch((error: unknown) => {
        if (!(error instanceof RecordTooLargeError)) throw error;
        throw new AppError(
          'SEGMENT_EVALUATION_FAILED',
          `id: "${request.query.id}" cannot be explained: ${error.message}, and explain reads at most that; its membership is in /members`,
        );
      });
      if (!record) throw new AppError('NOT_FOUND', `"${request.query.id}" is gone`);
      // Calendar windows are aligned to the workspace's timezone, as SQL reads it.
      const { timezone } = await readWorkspaceHours(scope);
      const explanation = explainRule(version.rule, record, deps.now(), timezone);
      const history = await listMemberHistory(scope, segment.key, profileId);
      const current = (await listProfileSegments(scope, profileId)).find((s) => s.key === segment.key);
      return {
        ...explanation,
        // A manual segment has no rule: its members are what was set, and no condition decides them.
        ...(segment.manual ? { member: current !== undefined, conditions: [] } : {}),
        membership: { member: current !== undefined, since: current?.enteredAt ?? null },
        history: history.map((h) => ({ change: h.kind, at: h.at, version: h.version, cause: h.cause })),
      };
    },
  );

  api.get(
    '/segments/:key/changes',
    {
      schema: {
        operationId: 'listSegmentChanges',
        summary: 'Enters and exits after a cursor, oldest first; pass the last cursor back as since',
        tags: ['segments'],
        params: keyParams,
        querystring: z.object({
          since: changeCursor.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ items: z.array(changeSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const segment = await segmentOf(scope, request.params.key);
      const changes = await listSegmentChanges(scope, segment, request.query.since, request.query.limit);
      return {
        items: changes.map((c) => ({
          cursor: c.cursor,
          id: c.id,
          change: c.kind,
          at: c.at,
          version: c.version,
          cause: c.cause,
        })),
        nextCursor: changes.at(-1)?.cursor ?? request.query.since ?? null,
      };
    },
  );

  api.get(
    '/segments/:key/sizes',
    {
      schema: {
        operationId: 'listSegmentDailySizes',
        summary: "A segment's size at the end of each of the last days (workspace timezone, today last), with that day's enters and exits",
        tags: ['segments'],
        params: keyParams,
        querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
        response: {
          200: z.object({
            timezone: z.string(),
            days: z.array(z.object({ day: z.string(), size: z.number(), entered: z.number(), exited: z.number() })),
          }),
        },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const segment = await segmentOf(scope, request.params.key);
      const { timezone } = await readWorkspaceHours(scope);
      const days = await listSegmentDailySizes(scope, segment.key, { days: request.query.days, now: deps.now(), timezone });
      return { timezone, days };
    },
  );

  api.get(
    '/segments/:key/stream',
    {
      schema: {
        operationId: 'streamSegmentChanges',
        summary: 'Server-sent events: one `change` event per enter or exit, from `since` (or from now)',
        tags: ['segments'],
        params: keyParams,
        querystring: z.object({
          since: changeCursor.optional(),
        }),
        response: {
          200: {
            description: 'text/event-stream of `change` events, each with `id` (its cursor) and `data` {id, change, at, version, cause}',
            content: { 'text/event-stream': { schema: z.string() } },
          },
        },
      },
    },
    async (request, reply) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const segment = await segmentOf(scope, request.params.key);
      // A reconnecting EventSource sends the last id it saw, which is newer than the since it started from.
      const lastEventId = request.headers['last-event-id'];
      if (lastEventId !== undefined && (typeof lastEventId !== 'string' || !isChangeCursor(lastEventId)))
        throw new AppError('INVALID_INPUT', 'Last-Event-ID: not a cursor this API returned; resume from the id of an event it sent', [
          { field: 'Last-Event-ID', message: 'not a cursor this API returned' },
        ]);
      let cursor = lastEventId ?? request.query.since;
      if (cursor === undefined) {
        // From now: skip to the newest change.
        let page = await listSegmentChanges(scope, segment, undefined, 1000);
        while (page.length === 1000) page = await listSegmentChanges(scope, segment, page.at(-1)!.cursor, 1000);
        cursor = page.at(-1)?.cursor;
      }
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      out.write(': connected\n\n');
      let open = true;
      request.raw.on('close', () => (open = false));
      while (open && !closing) {
        const changes = await listSegmentChanges(scope, segment, cursor, 500);
        for (const c of changes) {
          out.write(
            `id: ${c.cursor}\nevent: change\ndata: ${JSON.stringify({ id: c.id, change: c.kind, at: c.at, version: c.version, cause: c.cause })}\n\n`,
          );
          cursor = c.cursor;
        }
        if (changes.length < 500) await new Promise((resolve) => setTimeout(resolve, deps.streamPollMs ?? 250));
      }
      out.end();
    },
  );

  for (const target of ['person', 'account'] as const) {
    // Same parameter names as the profile routes beside them.
    const param = target === 'person' ? 'userId' : 'groupId';
    const path = `/${target === 'person' ? 'people' : 'accounts'}/:${param}/segments`;
    api.get(
      path,
      {
        schema: {
          operationId: target === 'person' ? 'listPersonSegments' : 'listAccountSegments',
          summary: `The segments ${target === 'person' ? 'a person' : 'an account'} is in, with when it entered`,
          tags: ['segments'],
          params: z.object({ [param]: z.string().min(1) }),
          response: { 200: z.array(z.object({ key: z.string(), enteredAt: z.date() })) },
        },
      },
      async (request) => {
        const { scope } = await deps.auth(request, 'segments:read');
        const externalId = request.params[param] ?? '';
        const profileId = await findProfileId(scope, target, externalId);
        if (!profileId)
          throw new AppError('NOT_FOUND', `no ${target === 'person' ? 'person with userId' : 'account with groupId'} "${externalId}"`);
        return listProfileSegments(scope, profileId);
      },
    );
  }
}
