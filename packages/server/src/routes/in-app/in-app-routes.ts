import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { SecretBox } from '@strata/engine';
import {
  findProfileId,
  listPendingInAppMessages,
  markInAppMessage,
  readIngestionSettings,
  workspaceScope,
  type Database,
  type WorkspaceScope,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import { basicUser, bearerSecret, requireKeyPermission, type KeyResolver } from '../../http/authenticate.js';
import { requireSecrets } from '../../http/secrets.js';
import { admitBrowser } from '../ingestion/index.js';
import { readInAppSecret } from './in-app-secret.js';
import { userHashMatches } from './user-hash.js';

export interface InAppRouteDeps {
  db: () => Kysely<Database>;
  keys: () => KeyResolver;
  now: () => Date;
  secrets: () => SecretBox | undefined;
}

const userQuery = z.object({
  userId: z.string().min(1).max(500).describe("the person's userId"),
  userHash: z
    .string()
    .max(200)
    .optional()
    .describe('hex HMAC-SHA256 of the userId with the workspace in-app secret; or the X-User-Hash header'),
  writeKey: z.string().max(200).optional().describe('the write key, when not sent by HTTP Basic'),
});
const messageSchema = z.object({
  id: z.string(),
  playbook: z.string(),
  title: z.string(),
  body: z.string(),
  cta: z.object({ label: z.string(), url: z.string() }).nullable(),
  status: z.enum(['pending', 'seen']),
  createdAt: z.string(),
  expiresAt: z.string(),
  seenAt: z.string().nullable(),
});

/**
 * In-app messages as the product reads them, from its pages or its server: the write key (as
 * `/v1/track`), and per person the identity-verification hash, so a visitor who changes the userId
 * in a page reads nothing. A wrong or missing hash answers 401; a message of another person 404.
 */
export function registerInAppRoutes(app: FastifyInstance, deps: InAppRouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/v1/in-app',
    {
      schema: {
        operationId: 'listInAppMessages',
        summary: "A person's in-app messages to show (not dismissed, not expired), with the write key and their userHash",
        tags: ['in-app'],
        querystring: userQuery,
        errors: [401],
        response: { 200: z.object({ messages: z.array(messageSchema) }) },
      },
    },
    async (request, reply) => {
      const { scope, personId } = await verifiedPerson(deps, request, reply, request.query);
      const messages = personId === undefined ? [] : await listPendingInAppMessages(scope, personId);
      return {
        messages: messages.map((m) => ({
          id: m.id,
          playbook: m.playbook,
          title: m.title,
          body: m.body,
          cta: m.cta,
          status: m.status === 'seen' ? ('seen' as const) : ('pending' as const),
          createdAt: m.createdAt.toISOString(),
          expiresAt: m.expiresAt.toISOString(),
          seenAt: m.seenAt?.toISOString() ?? null,
        })),
      };
    },
  );
  for (const mark of ['seen', 'dismissed'] as const)
    api.post(
      `/v1/in-app/:id/${mark}`,
      {
        schema: {
          operationId: mark === 'seen' ? 'markInAppMessageSeen' : 'dismissInAppMessage',
          summary: mark === 'seen' ? 'Record that the person saw a message' : 'Dismiss a message: it is not shown again',
          tags: ['in-app'],
          params: z.object({ id: z.string().max(40) }),
          querystring: userQuery,
          errors: [401, 404],
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        const { scope, personId } = await verifiedPerson(deps, request, reply, request.query);
        const marked = personId !== undefined && (await markInAppMessage(scope, personId, request.params.id, mark));
        if (!marked) throw new AppError('NOT_FOUND', `this person has no in-app message ${request.params.id}`);
        return reply.status(204).send(null);
      },
    );
}

/** The write key's workspace and the person whose hash the request carries; 401 unless the hash is theirs. */
async function verifiedPerson(
  deps: InAppRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  query: z.output<typeof userQuery>,
): Promise<{ scope: WorkspaceScope; personId: string | undefined }> {
  const secret = basicUser(request) ?? bearerSecret(request) ?? query.writeKey;
  const key = requireKeyPermission(secret ? await deps.keys().resolve(secret) : undefined, 'ingest');
  const scope = workspaceScope(deps.db(), key.workspaceId, deps.now);
  if (request.headers.origin !== undefined) admitBrowser(request, reply, key, (await readIngestionSettings(scope)).allowedOrigins);
  const header = request.headers['x-user-hash'];
  const given = query.userHash ?? (typeof header === 'string' ? header : undefined);
  if (given === undefined)
    throw new AppError(
      'UNAUTHORIZED',
      'send userHash (query) or X-User-Hash: the hex HMAC-SHA256 of the userId with the workspace in-app secret, computed by your server',
      { field: 'userHash' },
    );
  const identitySecret = await readInAppSecret(scope, requireSecrets(deps.secrets()));
  if (identitySecret === undefined || !userHashMatches(identitySecret, query.userId, given))
    throw new AppError(
      'UNAUTHORIZED',
      'userHash is not the HMAC-SHA256 of this userId with the workspace in-app secret (GET /api/v1/settings/in-app)',
      { field: 'userHash' },
    );
  return { scope, personId: await findProfileId(scope, 'person', query.userId) };
}
