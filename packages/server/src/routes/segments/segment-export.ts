import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { exportColumns, segmentMembersCsv } from '@strata/engine';
import { countSegmentMembers, findSegment, inWorkspaceTransaction, recordAudit } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';

/**
 * A segment's members as a CSV download, streamed page by page. Personal data in bulk: it needs
 * the permission a person's export needs (`people:export`), and each export is audited.
 */
export function registerSegmentExportRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/segments/:key/members.csv',
    {
      schema: {
        operationId: 'exportSegmentMembers',
        summary:
          "A segment's members as CSV (UTF-8, header row), with chosen traits and computed fields, streamed; needs people:export and is audited",
        tags: ['segments'],
        params: z.object({ key: z.string() }),
        querystring: z.object({
          fields: z
            .string()
            .max(2000)
            .optional()
            .describe(
              'comma-separated: id, entered_at, built-in columns, computed fields and traits; id, entered_at and a few usual traits by default',
            ),
        }),
        response: {
          200: {
            description: 'text/csv; cells that start like a formula are prefixed with a quote',
            content: { 'text/csv': { schema: z.string() } },
          },
        },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'people:export');
      const { scope } = caller;
      const segment = await findSegment(scope, request.params.key);
      if (!segment) throw new AppError('NOT_FOUND', `no segment "${request.params.key}" in this workspace`);
      const names = request.query.fields
        ?.split(',')
        .map((f) => f.trim())
        .filter((f) => f !== '');
      const columns = await exportColumns(scope, segment.target, names);
      if (!columns.ok)
        throw new AppError(
          'INVALID_INPUT',
          `fields: unknown ${columns.unknown.map((f) => `"${f}"`).join(', ')} for ${segment.target} segments; known: ${columns.known.join(', ')}`,
          { field: 'fields', unknown: columns.unknown },
        );
      // Recorded before anything is sent, as a person's export is: an export cut off halfway has
      // still let data out. `rows` is the segment's members as the export starts.
      const rows = await countSegmentMembers(scope, segment.key);
      await inWorkspaceTransaction(scope, (tx) =>
        recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'segment.exported',
          subject: segment.key,
          after: { fields: columns.names, rows },
        }),
      );
      // Fastify sends a stream as it is read (with back-pressure) and skips the schema's
      // serializer for it; the type provider only knows the documented body type, a string.
      const body = Readable.from(segmentMembersCsv(scope, segment, columns)) as unknown as string;
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${segment.key}.csv"`).send(body);
    },
  );
}
