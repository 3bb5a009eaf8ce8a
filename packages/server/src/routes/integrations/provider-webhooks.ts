import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import {
  helpDeskIntegrationName,
  helpDeskWebhookProvider,
  resolveWebhookTarget,
  webhookProviders,
  type HelpDeskWebhookConfig,
  type SecretBox,
  type WebhookProvider,
  type WebhookResult,
} from '@strata/engine';
import { recordWebhookDelivery, workspaceScope, type Database, type WorkspaceScope } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import { requireSecrets } from '../../http/secrets.js';
import { unstorableInputError } from '../../http/storable-input.js';

/**
 * `POST /webhooks/{provider}/{token}` (and `/webhooks/helpdesk/{key}/{token}` for a help desk
 * connected by webhook, whose stored mapping makes its provider): the token names the workspace (and alone authenticates
 * providers that do not sign); the signature is checked over the raw bytes before anything is
 * parsed or stored. Registered in its own scope, whose body parser keeps the raw body.
 *
 * Every delivery whose URL names a workspace is counted on its integration, accepted or refused
 * with the reason, so the settings page can show whether the provider reaches Strata. The count
 * is a statement after the handling, not inside it: a provider's handling is several
 * transactions (the requester's ingestion, then the ticket, each retried on conflict), and
 * holding the integration's row lock through them would serialise all of its deliveries. A crash
 * between the two loses one count, never a delivery.
 */
export function registerWebhookRoutes(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; now: () => Date; secrets: () => SecretBox | undefined },
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  /** Counts and answers one delivery to the integration `name` whose URL carries `token`; `providerFor` reads its configuration. */
  async function receive(
    request: FastifyRequest,
    reply: FastifyReply,
    name: string,
    token: string,
    providerFor: (config: unknown) => WebhookProvider,
  ) {
    const box = requireSecrets(deps.secrets());
    const target = await resolveWebhookTarget(deps.db(), box, name, token);
    if (!target) throw new AppError('NOT_FOUND', 'no such webhook; copy the URL from GET /api/v1/integrations');
    const provider = providerFor(target.config);
    const now = deps.now();
    // The delivery's scope: the workspace its URL names, its clock stopped at the delivery's arrival.
    const scope = workspaceScope(deps.db(), target.workspaceId, () => now);
    const record = (refused?: string) =>
      recordWebhookDelivery(scope, { provider: name, urlToken: token, at: now, refused }).catch((error: unknown) =>
        request.log.error({ err: error, provider: name }, 'the webhook delivery could not be counted'),
      );
    let result: WebhookResult;
    try {
      result = await handleDelivery(request, provider, scope, target.secret, box.suppressionKey);
    } catch (error) {
      await record(refusalReason(error));
      throw error;
    }
    await record();
    return reply.status(200).send(result);
  }

  app.post<{ Params: { provider: string; token: string } }>(
    '/webhooks/:provider/:token',
    { schema: { hide: true } },
    async (request, reply) => {
      const provider = webhookProviders[request.params.provider];
      if (!provider) throw new AppError('NOT_FOUND', `unknown provider "${request.params.provider}"`);
      return receive(request, reply, provider.name, request.params.token, () => provider);
    },
  );

  app.post<{ Params: { key: string; token: string } }>(
    '/webhooks/helpdesk/:key/:token',
    { schema: { hide: true } },
    async (request, reply) => {
      const { key, token } = request.params;
      return receive(request, reply, helpDeskIntegrationName(key), token, (config) =>
        helpDeskWebhookProvider(key, config as HelpDeskWebhookConfig),
      );
    },
  );
}

/** Verifies, parses and stores one delivery; throws the AppError that refuses it. */
async function handleDelivery(
  request: FastifyRequest,
  provider: WebhookProvider,
  scope: WorkspaceScope,
  secret: string | null,
  suppressionKey: Buffer | undefined,
): Promise<WebhookResult> {
  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (provider.signs) {
    if (secret === null) throw new AppError('UNAUTHORIZED', `no signing secret is stored for ${provider.name}; PUT one first`);
    const check = provider.verify(rawBody, request.headers, secret, scope.clock());
    if (!check.ok) {
      request.log.warn({ provider: provider.name, reason: check.reason }, 'webhook refused');
      throw new AppError('UNAUTHORIZED', `webhook refused: ${check.reason}`);
    }
  }
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new AppError('INVALID_INPUT', 'the body is not JSON');
  }
  const unstorable = unstorableInputError(payload);
  if (unstorable) throw unstorable;
  const result = await provider.handle(scope, payload, rawBody, suppressionKey);
  if (result.status === 'invalid')
    throw new AppError('INVALID_INPUT', `${result.field}: ${result.message}`, [{ field: result.field, message: result.message }]);
  return result;
}

/**
 * Why a delivery was refused, as the integration keeps it: the message Strata answered (it names
 * a signature problem or a field, never a value of the payload), or, for an unexpected failure,
 * only that it happened: its details (which may quote the payload) stay in the server log.
 */
function refusalReason(error: unknown): string {
  return error instanceof AppError ? error.message : 'Strata failed to store it (see the server log); the provider will retry';
}
