import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { erasePerson, identifierHash, type SecretBox } from '@strata/engine';
import { findPersonIdentifiers, inWorkspaceTransaction, personExportSections, recordAudit } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { requireSecrets } from '../../http/secrets.js';
import { auditBy } from '../audit/index.js';
import { personExportJson } from './person-export-stream.js';

const personParams = z.object({ userId: z.string().min(1).max(1000) });
const erasureSchema = z.object({
  status: z.literal('done'),
  subject: z.string().describe('the keyed hash of the userId that the audit log and the suppression list know the person by'),
  steps: z.object({ done: z.number(), total: z.number() }),
  rows: z.record(z.string(), z.number()).describe('rows removed or emptied, per table'),
  suppressedIdentifiers: z.number().describe('identifiers whose later messages ingestion now drops (counted as suppressed)'),
  startedAt: z.date(),
  finishedAt: z.date(),
});

/** A person's data on request: everything held about them, and erasure everywhere. */
export function registerPeoplePrivacyRoutes(
  app: FastifyInstance,
  deps: { auth: Authenticated; now: () => Date; secrets: () => SecretBox | undefined },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const unknownPerson = (userId: string) => new AppError('NOT_FOUND', `no person with userId "${userId}" in this workspace`);

  api.get(
    '/people/:userId/export',
    {
      schema: {
        operationId: 'exportPerson',
        summary: 'Everything held about a person as one JSON document, streamed: profile, identities, events, tickets, surveys, segments',
        tags: ['privacy'],
        params: personParams,
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'people:export');
      const { scope } = caller;
      const key = requireSecrets(deps.secrets()).suppressionKey;
      const person = await inWorkspaceTransaction(scope, (tx) => findPersonIdentifiers(tx, request.params.userId));
      if (!person) throw unknownPerson(request.params.userId);
      const subject = identifierHash(key, scope.workspaceId, 'user_id', request.params.userId).toString('hex');
      // Recorded before anything is sent: an export cut off halfway has still let data out.
      await inWorkspaceTransaction(scope, (tx) => recordAudit(tx, { ...auditBy(request, caller), kind: 'person.exported', subject }));
      const header = { userId: request.params.userId, exportedAt: scope.clock().toISOString() };
      // One transaction for the whole stream (the workspace's setting holds throughout); the
      // pipeline waits for the client to read, and a client that goes away ends it.
      const body = new PassThrough();
      void inWorkspaceTransaction(scope, (tx) =>
        pipeline(Readable.from(personExportJson(header, personExportSections(tx, person))), body),
      ).catch((error: unknown) => request.log.warn({ err: error }, 'person export stopped before its end'));
      return reply.type('application/json').send(body);
    },
  );
  api.delete(
    '/people/:userId',
    {
      schema: {
        operationId: 'erasePerson',
        summary: 'Erase a person everywhere and suppress their identifiers; later messages naming them are dropped',
        tags: ['privacy'],
        params: personParams,
        response: { 200: erasureSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'people:erase');
      const key = requireSecrets(deps.secrets()).suppressionKey;
      const erasure = await erasePerson(caller.scope, key, request.params.userId, auditBy(request, caller), deps.now);
      if (!erasure) throw unknownPerson(request.params.userId);
      const total = Object.keys(erasure.rows).length;
      return {
        status: 'done' as const,
        subject: erasure.subject,
        steps: { done: total, total },
        rows: erasure.rows,
        suppressedIdentifiers: erasure.suppressed,
        startedAt: erasure.startedAt,
        finishedAt: erasure.finishedAt,
      };
    },
  );
}
