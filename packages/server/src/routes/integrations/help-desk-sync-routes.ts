import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HelpDeskConnectionInputError, helpDeskProviders, saveHelpDeskConnection, type SecretBox } from '@strata/engine';
import {
  deleteHelpDeskConnection,
  findHelpDeskConnection,
  findTicket,
  inWorkspaceTransaction,
  listTicketSyncAttempts,
  recordAudit,
  type HelpDeskConnection,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { requireSecrets } from '../../http/secrets.js';
import { auditBy } from '../audit/index.js';
import { idParams, refOf, sourceQuery } from '../support/index.js';

const providerParams = z.object({ provider: z.enum(helpDeskProviders) });
const text = (max: number) => z.string().min(1).max(max);
const putBody = z.object({
  subdomain: text(63).optional().describe('Zendesk: acme for acme.zendesk.com'),
  email: text(320).optional().describe('Zendesk: the agent whose API token this is'),
  apiToken: text(200).optional().describe('Zendesk: an API token (Admin Center › Apps and integrations › APIs)'),
  domain: text(63).optional().describe('Freshdesk: acme for acme.freshdesk.com'),
  apiKey: text(200).optional().describe("Freshdesk: an agent's API key (Profile settings)"),
  region: z.enum(['us', 'eu', 'au']).optional().describe("Intercom: the workspace's data region; us when left out"),
  accessToken: text(500).optional().describe("Intercom: the app's access token"),
  adminId: text(40).optional().describe('Intercom: the admin Strata assigns and tags as'),
  priorityAttribute: text(100)
    .optional()
    .describe('Intercom: the conversation data attribute that holds the priority; Priority when left out'),
  baseUrl: text(2000)
    .optional()
    .describe(
      'where the API is, instead of the address the fields above give (a proxy); private addresses only with STRATA_ALLOW_PRIVATE_WEBHOOKS',
    ),
});
const connectionSchema = z.object({
  provider: z.enum(helpDeskProviders),
  baseUrl: z.string().describe('where Strata sends the updates'),
  hasCredentials: z.boolean().describe('always true: the credentials are stored encrypted and never shown again'),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const attemptSchema = z.object({
  id: z.string(),
  provider: z.enum(helpDeskProviders),
  externalTicketId: z.string(),
  request: z.record(z.string(), z.unknown()).describe('what Strata asked the help desk to set: {priority, group, tags}'),
  outcome: z.enum(['synced', 'retrying', 'failed']).describe('retrying: another attempt is queued; failed: no more attempts'),
  httpStatus: z.number().nullable().describe("the help desk's HTTP status; null when it was not reached"),
  error: z.string().nullable(),
  attempt: z.number(),
  attemptedAt: z.date(),
});
const syncSchema = z.object({
  state: z.enum(['synced', 'retrying', 'failed']).nullable().describe("the last attempt's outcome; null before any"),
  items: z.array(attemptSchema).describe('every attempt, oldest first'),
});

const view = (c: HelpDeskConnection) => ({
  provider: c.provider,
  baseUrl: c.baseUrl,
  hasCredentials: true,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

/** Where support decisions are written back: each help desk's API credentials, and each ticket's sync attempts. */
export function registerHelpDeskSyncRoutes(
  app: FastifyInstance,
  deps: { auth: Authenticated; secrets: () => SecretBox | undefined },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.put(
    '/integrations/:provider/sync',
    {
      schema: {
        operationId: 'connectHelpDeskSync',
        summary: "Store a help desk's API credentials (encrypted) so ticket decisions are written back to it",
        tags: ['integrations'],
        params: providerParams,
        body: putBody,
        response: { 200: connectionSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'integrations:write');
      const box = requireSecrets(deps.secrets());
      const provider = request.params.provider;
      try {
        return view(
          await inWorkspaceTransaction(caller.scope, async (tx) => {
            const before = await findHelpDeskConnection(tx, provider);
            const saved = await saveHelpDeskConnection(tx, box, provider, request.body);
            await recordAudit(tx, {
              ...auditBy(request, caller),
              kind: 'integration.updated',
              subject: `${provider}-sync`,
              before: before ? { baseUrl: before.baseUrl } : null,
              after: { baseUrl: saved.baseUrl },
            });
            return saved;
          }),
        );
      } catch (error) {
        if (error instanceof HelpDeskConnectionInputError) throw new AppError('INVALID_INPUT', error.message, error.problems);
        throw error;
      }
    },
  );
  api.get(
    '/integrations/:provider/sync',
    {
      schema: {
        operationId: 'getHelpDeskSync',
        summary: 'Where decisions are written back to a help desk (never the credentials)',
        tags: ['integrations'],
        params: providerParams,
        response: { 200: connectionSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'integrations:read');
      const found = await findHelpDeskConnection(scope, request.params.provider);
      if (!found)
        throw new AppError(
          'NOT_FOUND',
          `${request.params.provider} sync is not set up; PUT /api/v1/integrations/${request.params.provider}/sync`,
        );
      return view(found);
    },
  );
  api.delete(
    '/integrations/:provider/sync',
    {
      schema: {
        operationId: 'disconnectHelpDeskSync',
        summary: 'Stop writing decisions back to a help desk and forget its credentials',
        tags: ['integrations'],
        params: providerParams,
        response: { 204: z.undefined().describe('Disconnected') },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'integrations:write');
      const provider = request.params.provider;
      const deleted = await inWorkspaceTransaction(caller.scope, async (tx) => {
        if (!(await deleteHelpDeskConnection(tx, provider))) return false;
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'integration.deleted', subject: `${provider}-sync` });
        return true;
      });
      if (!deleted) throw new AppError('NOT_FOUND', `${provider} sync is not set up`);
      return reply.status(204).send();
    },
  );
  api.get(
    '/tickets/:id/sync',
    {
      schema: {
        operationId: 'getTicketSync',
        summary: "Each attempt to write this ticket's decision back to its help desk, and whether the last one failed",
        tags: ['tickets'],
        params: idParams,
        querystring: sourceQuery,
        response: { 200: syncSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:read');
      const ticket = await findTicket(scope, refOf(request.params.id, request.query.source));
      if (!ticket) throw new AppError('NOT_FOUND', `no ticket with id or externalId "${request.params.id}"`);
      const items = await listTicketSyncAttempts(scope, ticket.ticket_id);
      return { state: items.at(-1)?.outcome ?? null, items };
    },
  );
}
