import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isValidTimezone } from '@strata/core';
import { recomputeCalendarSegments } from '@strata/engine';
import {
  findDatabaseTimezone,
  findWorkspaceById,
  inWorkspaceTransaction,
  lockWorkspace,
  recordAudit,
  updateWorkspace,
  type Workspace,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';

const workspaceSchema = z.object({
  id: z.string(),
  slug: z.string().describe('the name in URLs and in `strata --workspace`; fixed'),
  name: z.string(),
  timezone: z.string().describe("calendar windows of rules (`within this month`) and the segment page's days begin at its midnights"),
});
const patchBody = z
  .object({
    name: z.string().trim().min(1, 'name: type a name').max(100, 'name: at most 100 characters').optional(),
    timezone: z.string().trim().min(1).max(64).optional().describe('an IANA timezone such as "Europe/Berlin" (any case); "UTC" for none'),
  })
  .refine((b) => b.name !== undefined || b.timezone !== undefined, 'send {"name"} or {"timezone"} (or both)');

const view = (w: Workspace) => ({ id: w.id, slug: w.slug, name: w.name, timezone: w.timezone });

/** The workspace itself: its name, and the timezone its calendar windows and days are in. */
export function registerWorkspaceRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/workspace',
    {
      schema: {
        operationId: 'getWorkspace',
        summary: 'This workspace: id, slug, name and timezone',
        tags: ['settings'],
        response: { 200: workspaceSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return view((await findWorkspaceById(scope.db, scope.workspaceId))!);
    },
  );
  api.patch(
    '/workspace',
    {
      schema: {
        operationId: 'updateWorkspace',
        summary:
          'Rename the workspace or set its timezone; a new timezone recomputes the segments whose rules have calendar windows before answering',
        tags: ['settings'],
        body: patchBody,
        response: {
          200: workspaceSchema.extend({
            recomputed: z
              .array(z.object({ key: z.string(), entered: z.number().int(), exited: z.number().int() }))
              .describe('segments with calendar windows recomputed in the new timezone; empty when it did not change'),
          }),
        },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'settings:write');
      const { name } = request.body;
      const timezone = request.body.timezone === undefined ? undefined : await knownTimezone(caller.scope.db, request.body.timezone);
      const { before, after } = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = view(await lockWorkspace(tx));
        const after = view(await updateWorkspace(tx, { name, timezone }));
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'workspace.updated',
          subject: before.slug,
          before: { name: before.name, timezone: before.timezone },
          after: { name: after.name, timezone: after.timezone },
        });
        return { before, after };
      });
      // After the commit, so the recompute reads the new timezone (strata_workspace_timezone).
      const recomputed = after.timezone !== before.timezone ? await recomputeCalendarSegments(caller.scope) : [];
      return { ...after, recomputed };
    },
  );
}

/**
 * The zone as PostgreSQL spells it, when both sides know it: Node's Intl (the evaluator, explain,
 * the time sweep) and PostgreSQL's tz database (compiled rules). A zone only one knows would put
 * the two at different midnights.
 */
async function knownTimezone(db: Parameters<typeof findDatabaseTimezone>[0], name: string): Promise<string> {
  const stored = isValidTimezone(name) ? await findDatabaseTimezone(db, name) : undefined;
  if (!stored || !isValidTimezone(stored))
    throw new AppError(
      'INVALID_INPUT',
      `timezone: "${name}" is not a timezone both Strata and PostgreSQL know; use an IANA name such as "Europe/Berlin" or "America/New_York" (not an offset like "+02:00" or an abbreviation like "PST")`,
      [{ field: 'timezone', message: 'not an IANA timezone' }],
    );
  return stored;
}
