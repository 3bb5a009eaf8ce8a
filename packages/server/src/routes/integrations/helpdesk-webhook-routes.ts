import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  buildHelpDeskWebhook,
  configureIntegration,
  helpDeskIntegrationName,
  helpDeskKeyPattern,
  helpDeskWebhookInput,
  reservedHelpDeskKeys,
  type HelpDeskWebhookConfig,
  type SecretBox,
} from '@strata/engine';
import {
  deleteIntegration,
  findIntegration,
  inWorkspaceTransaction,
  listIntegrations,
  recordAudit,
  type IntegrationRow,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { publicBase } from '../../http/public-url.js';
import { requireSecrets } from '../../http/secrets.js';
import { auditBy } from '../audit/index.js';
import { integrationSchema, integrationView } from './integration-view.js';

const keyParams = z.object({
  key: z
    .string()
    .regex(helpDeskKeyPattern, 'lower-case letters, digits and dashes, such as freshservice')
    .refine((key) => !reservedHelpDeskKeys.includes(key), 'the name of a built-in source; choose another key')
    .describe("the help desk's key: its tickets' source and part of its webhook URL"),
});
const pathMap = z.record(z.string(), z.string());
const helpDeskSchema = integrationSchema.extend({
  key: z.string(),
  preset: z.string().nullable(),
  auth: z.object({
    type: z.enum(['hmac', 'basic', 'token']),
    header: z.string().optional(),
    algorithm: z.string().optional(),
    encoding: z.string().optional(),
    prefix: z.string().optional(),
  }),
  items: z.string().nullable(),
  fields: pathMap.describe('ticket field to the path in the body it is read from'),
  statusMap: pathMap,
  priorityMap: pathMap,
  channelMap: pathMap,
});

function helpDeskView(key: string, row: IntegrationRow, base: string): z.output<typeof helpDeskSchema> {
  const config = row.config as HelpDeskWebhookConfig;
  return {
    ...integrationView(row, base),
    key,
    preset: config.preset,
    auth: config.auth,
    items: config.items,
    fields: config.fields as Record<string, string>,
    statusMap: config.statusMap,
    priorityMap: config.priorityMap,
    channelMap: config.channelMap,
  };
}

/** Help desks connected by a webhook and a field mapping (Freshservice, Zoho Desk, or any other). */
export function registerHelpDeskWebhookRoutes(
  app: FastifyInstance,
  deps: { auth: Authenticated; secrets: () => SecretBox | undefined; publicUrl: string | undefined },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.put(
    '/integrations/webhook-helpdesk/:key',
    {
      schema: {
        operationId: 'connectHelpDeskWebhook',
        summary:
          "Connect a help desk by webhook: a preset (freshservice, zoho-desk) or a field mapping, and how it authenticates; answers this workspace's webhook URL",
        tags: ['integrations'],
        params: keyParams,
        body: helpDeskWebhookInput,
        response: { 200: helpDeskSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'integrations:write');
      const { key } = request.params;
      const built = buildHelpDeskWebhook(request.body);
      if (!built.ok) throw new AppError('INVALID_INPUT', built.issues.map((i) => `${i.field}: ${i.message}`).join('; '), built.issues);
      const box = requireSecrets(deps.secrets());
      const name = helpDeskIntegrationName(key);
      const row = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await findIntegration(tx, name);
        const row = await configureIntegration(tx, box, { name }, built.secret, built.config);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'integration.updated',
          subject: name,
          before: before ? { hasSecret: before.secret_ciphertext !== null, config: before.config } : null,
          after: { hasSecret: row.secret_ciphertext !== null, config: built.config },
        });
        return row;
      });
      return helpDeskView(key, row, publicBase(app, deps.publicUrl));
    },
  );
  api.get(
    '/integrations/webhook-helpdesk',
    {
      schema: {
        operationId: 'listHelpDeskWebhooks',
        summary: 'The help desks connected by webhook, by key, each with its URL and mapping',
        tags: ['integrations'],
        response: { 200: z.array(helpDeskSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'integrations:read');
      const prefix = helpDeskIntegrationName('');
      return (await listIntegrations(scope))
        .filter((row) => row.provider.startsWith(prefix))
        .map((row) => helpDeskView(row.provider.slice(prefix.length), row, publicBase(app, deps.publicUrl)));
    },
  );
  api.get(
    '/integrations/webhook-helpdesk/:key',
    {
      schema: {
        operationId: 'getHelpDeskWebhook',
        summary: 'A help desk connected by webhook: its URL, mapping, last delivery and errors (never its secret)',
        tags: ['integrations'],
        params: keyParams,
        response: { 200: helpDeskSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'integrations:read');
      const { key } = request.params;
      const row = await findIntegration(scope, helpDeskIntegrationName(key));
      if (!row)
        throw new AppError('NOT_FOUND', `no help desk "${key}" is connected; PUT /api/v1/integrations/webhook-helpdesk/${key} first`);
      return helpDeskView(key, row, publicBase(app, deps.publicUrl));
    },
  );
  api.delete(
    '/integrations/webhook-helpdesk/:key',
    {
      schema: {
        operationId: 'disconnectHelpDeskWebhook',
        summary: 'Disconnect a help desk connected by webhook: its URL stops working; its tickets stay',
        tags: ['integrations'],
        params: keyParams,
        response: { 204: z.undefined().describe('Disconnected') },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'integrations:write');
      const name = helpDeskIntegrationName(request.params.key);
      const deleted = await inWorkspaceTransaction(caller.scope, async (tx) => {
        if (!(await deleteIntegration(tx, name))) return false;
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'integration.deleted', subject: name });
        return true;
      });
      if (!deleted) throw new AppError('NOT_FOUND', `no help desk "${request.params.key}" is connected`);
      return reply.status(204).send();
    },
  );
}
