import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changeManualMembers } from '@strata/engine';
import {
  countSegmentMembers,
  findProfileId,
  findSegment,
  inWorkspaceTransaction,
  type SegmentDefinition,
  type WorkspaceScope,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';

const externalId = z.string().min(1).max(500);
const membersBody = z
  .strictObject({
    userIds: z.array(externalId).min(1).max(1_000).optional().describe('people to add, by userId (a segment of people)'),
    groupIds: z.array(externalId).min(1).max(1_000).optional().describe('accounts to add, by groupId (a segment of accounts)'),
  })
  .describe('userIds for a segment of people, groupIds for one of accounts');
const membersAnswer = z.object({
  changed: z.array(z.string()).describe('the ids that entered (or left) now; ids already in (or out) are not repeated'),
  members: z.number(),
});
const keyParams = z.object({ key: z.string() });
const memberParams = z.object({ key: z.string(), userId: externalId.describe('the userId (or groupId, for a segment of accounts)') });

/** A manual segment, or the request failure naming why not. */
async function manualSegment(scope: WorkspaceScope, key: string): Promise<SegmentDefinition> {
  const segment = await findSegment(scope, key);
  if (!segment) throw new AppError('NOT_FOUND', `no segment "${key}" in this workspace`);
  if (!segment.manual)
    throw new AppError('INVALID_INPUT', `segment "${key}" is decided by its rule; only a manual segment takes members by hand`, [
      { field: 'key', message: 'not a manual segment: create one with {"manual": true}' },
    ]);
  return segment;
}

/** Members of manual segments set by hand: add some, remove one. */
export function registerManualMemberRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/segments/:key/members',
    {
      schema: {
        operationId: 'addSegmentMembers',
        summary: 'Add people (or accounts) to a manual segment; they enter as with any segment (change log, webhooks, playbooks)',
        tags: ['segments'],
        params: keyParams,
        body: membersBody,
        response: { 200: membersAnswer },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:write');
      const segment = await manualSegment(scope, request.params.key);
      const field = segment.target === 'person' ? 'userIds' : 'groupIds';
      const other = segment.target === 'person' ? 'groupIds' : 'userIds';
      const ids = request.body[field];
      if (request.body[other] !== undefined || ids === undefined)
        throw new AppError(
          'INVALID_INPUT',
          `${field}: a segment of ${segment.target === 'person' ? 'people' : 'accounts'} takes ${field}`,
          [{ field: request.body[other] !== undefined ? other : field, message: `give ${field}` }],
        );
      // Every id is looked up first: one unknown id stores nothing.
      const found = await Promise.all(ids.map(async (id) => ({ id, profileId: await findProfileId(scope, segment.target, id) })));
      const unknown = found.flatMap((f, i) =>
        f.profileId === undefined ? [{ field: `${field}[${i}]`, message: `unknown: "${f.id}"` }] : [],
      );
      if (unknown.length > 0)
        throw new AppError('INVALID_INPUT', `${unknown.length} unknown id(s); nothing was added: identify them first`, unknown);
      const changed = await inWorkspaceTransaction(scope, (tx) =>
        changeManualMembers(
          tx,
          segment,
          found.map((f) => f.profileId!),
          'enter',
          { kind: 'manual', by: 'api' },
        ),
      );
      const external = new Map(found.map((f) => [f.profileId!, f.id]));
      return { changed: changed.map((id) => external.get(id)!), members: await countSegmentMembers(scope, segment.key) };
    },
  );
  api.delete(
    '/segments/:key/members/:userId',
    {
      schema: {
        operationId: 'removeSegmentMember',
        summary: 'Remove a person (or an account) from a manual segment; they exit as with any segment',
        tags: ['segments'],
        params: memberParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const { scope } = await deps.auth(request, 'segments:write');
      const segment = await manualSegment(scope, request.params.key);
      const profileId = await findProfileId(scope, segment.target, request.params.userId);
      if (profileId === undefined) throw new AppError('NOT_FOUND', `no ${segment.target} "${request.params.userId}" in this workspace`);
      await inWorkspaceTransaction(scope, (tx) => changeManualMembers(tx, segment, [profileId], 'exit', { kind: 'manual', by: 'api' }));
      return reply.status(204).send(null);
    },
  );
}
