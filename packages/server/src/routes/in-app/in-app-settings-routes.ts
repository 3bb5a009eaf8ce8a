import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SecretBox } from '@strata/engine';
import { inWorkspaceTransaction, recordAudit } from '@strata/storage';
import type { Authenticated } from '../../http/management-auth.js';
import { requireSecrets } from '../../http/secrets.js';
import { auditBy } from '../audit/index.js';
import { ensureInAppSecret, rotateInAppSecret } from './in-app-secret.js';

const secretResponse = z.object({
  identitySecret: z.string().describe("the key of each person's userHash (HMAC-SHA256 of the userId); keep it on your server"),
});

/** The in-app identity-verification secret: read by admins (made on first read), and rotated. */
export function registerInAppSettingsRoutes(
  app: FastifyInstance,
  deps: { auth: Authenticated; secrets: () => SecretBox | undefined },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/settings/in-app',
    {
      schema: {
        operationId: 'getInAppSettings',
        summary: "The workspace's in-app identity-verification secret (made on first read)",
        tags: ['settings'],
        response: { 200: secretResponse },
      },
    },
    async (request) => {
      // A secret, so admins only: the same permission that changes settings.
      const { scope } = await deps.auth(request, 'settings:write');
      return { identitySecret: await ensureInAppSecret(scope, requireSecrets(deps.secrets())) };
    },
  );
  api.post(
    '/settings/in-app/rotate',
    {
      schema: {
        operationId: 'rotateInAppSecret',
        summary: 'Replace the in-app identity-verification secret; hashes made with the old one stop working',
        tags: ['settings'],
        response: { 200: secretResponse },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'settings:write');
      const box = requireSecrets(deps.secrets());
      const identitySecret = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const secret = await rotateInAppSecret(tx, box);
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'settings.updated', subject: 'in-app', before: null, after: null });
        return secret;
      });
      return { identitySecret };
    },
  );
}
