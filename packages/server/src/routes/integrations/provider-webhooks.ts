import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { resolveWebhookTarget, webhookProviders, type SecretBox } from '@strata/engine';
import { workspaceScope, type Database } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import { requireSecrets } from '../../http/secrets.js';
import { unstorableInputError } from '../../http/storable-input.js';

/**
 * `POST /webhooks/{provider}/{token}`: the token names the workspace (and alone authenticates
 * providers that do not sign); the signature is checked over the raw bytes before anything is
 * parsed or stored. Registered in its own scope, whose body parser keeps the raw body.
 */
export function registerWebhookRoutes(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; now: () => Date; secrets: () => SecretBox | undefined },
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post<{ Params: { provider: string; token: string } }>(
    '/webhooks/:provider/:token',
    { schema: { hide: true } },
    async (request, reply) => {
      const provider = webhookProviders[request.params.provider];
      if (!provider) throw new AppError('NOT_FOUND', `unknown provider "${request.params.provider}"`);
      const box = requireSecrets(deps.secrets());
      const target = await resolveWebhookTarget(deps.db(), box, provider.name, request.params.token);
      if (!target) throw new AppError('NOT_FOUND', 'no such webhook; copy the URL from GET /api/v1/integrations/' + provider.name);
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const now = deps.now();
      if (provider.signs) {
        if (target.secret === null) throw new AppError('UNAUTHORIZED', `no signing secret is stored for ${provider.name}; PUT one first`);
        const check = provider.verify(rawBody, request.headers, target.secret, now);
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
      // The delivery's scope: the workspace its URL names, its clock stopped at the delivery's arrival.
      const result = await provider.handle(
        workspaceScope(deps.db(), target.workspaceId, () => now),
        payload,
        rawBody,
        box.suppressionKey,
      );
      if (result.status === 'invalid')
        throw new AppError('INVALID_INPUT', `${result.field}: ${result.message}`, [{ field: result.field, message: result.message }]);
      return reply.status(200).send(result);
    },
  );
}
