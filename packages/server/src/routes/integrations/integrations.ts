import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { businessHoursSchema } from '@strata/core';
import {
  chargebeeCredentials,
  configureIntegration,
  loadBusinessHours,
  providerNames,
  webhookProviders,
  type SecretBox,
  type WebhookProvider,
} from '@strata/engine';
import {
  deleteIntegration,
  findIntegration,
  inWorkspaceTransaction,
  listIntegrations,
  recordAudit,
  writeBusinessHours,
  type Database,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import { integrationSchema, integrationView } from './integration-view.js';
import { auditBy } from '../audit/index.js';
import type { Authenticated } from '../../http/management-auth.js';
import { publicBase } from '../../http/public-url.js';
import { requireSecrets } from '../../http/secrets.js';

const providerParams = z.object({ provider: z.enum(providerNames) });
const putBody = z.object({
  secret: z
    .string()
    .min(8)
    .max(1000)
    .optional()
    .describe("the provider's signing secret (Stripe whsec_…, Zendesk signing secret, Intercom client secret, Delighted webhook secret)"),
  username: z.string().optional().describe("Chargebee only: the username set in Chargebee's webhook settings (HTTP Basic)"),
  password: z.string().optional().describe("Chargebee only: the password set in Chargebee's webhook settings (HTTP Basic)"),
});

/**
 * The secret to seal for a provider: its signing secret, or for Chargebee, which authenticates by
 * HTTP Basic, the username and password as JSON. Throws the 400 that names each missing field.
 */
function secretFor(provider: WebhookProvider, body: z.output<typeof putBody>): string | undefined {
  if (provider.name === 'chargebee') {
    const parsed = chargebeeCredentials.safeParse(body);
    if (!parsed.success)
      throw new AppError(
        'INVALID_INPUT',
        'Chargebee authenticates by HTTP Basic: send {"username": "...", "password": "..."} as set in its webhook settings (password at least 8 characters)',
        parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message })),
      );
    return JSON.stringify(parsed.data);
  }
  if (provider.signs && body.secret === undefined)
    throw new AppError('INVALID_INPUT', `${provider.name} signs its webhooks: send {"secret": "..."} with its signing secret`, [
      { field: 'secret', message: 'required' },
    ]);
  return body.secret;
}
const hoursSchema = z.object({
  timezone: z.string(),
  workingDays: z.array(z.number()),
  start: z.string(),
  end: z.string(),
  holidays: z.array(z.string()),
});

/** Integrations with help desks, survey tools and billing, and the business hours support times count in. */
export function registerIntegrationRoutes(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; auth: Authenticated; secrets: () => SecretBox | undefined; publicUrl: string | undefined },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/integrations',
    {
      schema: {
        operationId: 'listIntegrations',
        summary: "The connected providers: each one's webhook URL, last delivery and errors",
        tags: ['integrations'],
        response: { 200: z.object({ items: z.array(integrationSchema) }) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'integrations:read');
      const base = publicBase(app, deps.publicUrl);
      return { items: (await listIntegrations(scope)).map((row) => integrationView(row, base)) };
    },
  );
  api.put(
    '/integrations/:provider',
    {
      schema: {
        operationId: 'connectIntegration',
        summary:
          "Connect a provider: store its signing secret (Chargebee: its webhook username and password), encrypted, and get this workspace's webhook URL",
        tags: ['integrations'],
        params: providerParams,
        body: putBody,
        response: { 200: integrationSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'integrations:write');
      const provider = webhookProviders[request.params.provider]!;
      const secret = secretFor(provider, request.body);
      const box = requireSecrets(deps.secrets());
      const row = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await findIntegration(tx, provider.name);
        const row = await configureIntegration(tx, box, provider, secret);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'integration.updated',
          subject: provider.name,
          before: before ? { hasSecret: before.secret_ciphertext !== null } : null,
          after: { hasSecret: row.secret_ciphertext !== null, secret: secret ?? null },
        });
        return row;
      });
      return integrationView(row, publicBase(app, deps.publicUrl));
    },
  );
  api.get(
    '/integrations/:provider',
    {
      schema: {
        operationId: 'getIntegration',
        summary: "A connected provider's webhook URL, last delivery and errors",
        tags: ['integrations'],
        params: providerParams,
        response: { 200: integrationSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'integrations:read');
      const row = await findIntegration(scope, request.params.provider);
      if (!row)
        throw new AppError(
          'NOT_FOUND',
          `${request.params.provider} is not connected; PUT /api/v1/integrations/${request.params.provider} first`,
        );
      return integrationView(row, publicBase(app, deps.publicUrl));
    },
  );
  api.delete(
    '/integrations/:provider',
    {
      schema: {
        operationId: 'disconnectIntegration',
        summary: 'Disconnect a provider: its webhook URL stops working',
        tags: ['integrations'],
        params: providerParams,
        response: { 204: z.undefined().describe('Disconnected') },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'integrations:write');
      const provider = request.params.provider;
      const deleted = await inWorkspaceTransaction(caller.scope, async (tx) => {
        if (!(await deleteIntegration(tx, provider))) return false;
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'integration.deleted', subject: provider });
        return true;
      });
      if (!deleted) throw new AppError('NOT_FOUND', `${provider} is not connected`);
      return reply.status(204).send();
    },
  );
  api.get(
    '/settings/business-hours',
    {
      schema: {
        operationId: 'getBusinessHours',
        summary: 'The business hours first-response and resolution times count in',
        tags: ['settings'],
        response: { 200: hoursSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return loadBusinessHours(scope);
    },
  );
  api.put(
    '/settings/business-hours',
    {
      schema: {
        operationId: 'setBusinessHours',
        summary: 'Set business hours: timezone, working days (1 = Monday), start, end, holidays; applies to tickets changed from now on',
        tags: ['settings'],
        body: businessHoursSchema,
        response: { 200: hoursSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'settings:write');
      const { scope } = caller;
      await inWorkspaceTransaction(scope, async (tx) => {
        const before = await loadBusinessHours(tx);
        await writeBusinessHours(tx, request.body);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'settings.updated',
          subject: 'business-hours',
          before,
          after: request.body,
        });
      });
      return loadBusinessHours(scope);
    },
  );
}
