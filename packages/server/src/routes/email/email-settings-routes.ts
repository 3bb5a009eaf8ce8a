import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { privateHostProblem, smtpProblem, type SecretBox } from '@strata/engine';
import { readEmailSettings, recordAudit, writeEmailSettings, type EmailSettings } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { requireSecrets } from '../../http/secrets.js';
import { auditBy } from '../audit/index.js';
import { frequencyCap } from '../playbooks/index.js';

/** An address, alone or with a display name: `hello@example.com` or `Acme <hello@example.com>`. */
const sender = z
  .string()
  .max(320)
  .regex(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'an address such as hello@example.com or "Acme <hello@example.com>"');

const settingsBody = z.strictObject({
  host: z.string().min(1).max(253).describe("the SMTP server's host name or address"),
  port: z.number().int().min(1).max(65_535),
  secure: z.boolean().describe('TLS from the first byte (port 465); false uses STARTTLS when the server offers it'),
  user: z.string().min(1).max(320).optional(),
  password: z.string().min(1).max(1_000).optional().describe('stored encrypted; left out, the stored one is kept'),
  from: sender.describe('the sender of every playbook email'),
  frequencyCap: frequencyCap.nullable().optional().describe("the workspace's default cap; a playbook's own frequencyCap wins"),
});

const settingsSchema = z.object({
  host: z.string(),
  port: z.number(),
  secure: z.boolean(),
  user: z.string().nullable(),
  passwordSet: z.boolean().describe('the password itself is never shown'),
  from: z.string(),
  frequencyCap: z.object({ max: z.number(), days: z.number() }).nullable(),
  updatedAt: z.string(),
});

const settingsView = (s: EmailSettings): z.output<typeof settingsSchema> => ({
  host: s.host,
  port: s.port,
  secure: s.secure,
  user: s.user,
  passwordSet: s.sealedPassword !== null,
  from: s.from,
  frequencyCap: s.frequencyCap,
  updatedAt: s.updatedAt.toISOString(),
});

/** The workspace's SMTP server and sender, for playbook email: GET|PUT /settings/email. */
export function registerEmailSettingsRoutes(
  app: FastifyInstance,
  deps: {
    auth: Authenticated;
    secrets: () => SecretBox | undefined;
    /** STRATA_ALLOW_PRIVATE_WEBHOOKS: the SMTP server may be on loopback or a private network. */
    allowPrivate: boolean;
  },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/settings/email',
    {
      schema: {
        operationId: 'getEmailSettings',
        summary: 'The SMTP server and sender playbook emails go through (without the password)',
        tags: ['playbooks'],
        errors: [404],
        response: { 200: settingsSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      const settings = await readEmailSettings(scope);
      if (!settings) throw new AppError('NOT_FOUND', 'no email settings yet: set them with PUT /api/v1/settings/email');
      return settingsView(settings);
    },
  );
  api.put(
    '/settings/email',
    {
      schema: {
        operationId: 'putEmailSettings',
        summary: 'Set the SMTP server and sender; the server is connected to (and logged in to) before anything is stored',
        tags: ['playbooks'],
        body: settingsBody,
        response: { 200: settingsSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'settings:write');
      const b = request.body;
      // Before any connection: the check below would otherwise probe private networks for the caller.
      const privateHost = await privateHostProblem(b.host, { allowPrivate: deps.allowPrivate });
      if (privateHost) throw new AppError('INVALID_INPUT', `host: ${privateHost}`, [{ field: 'host', message: privateHost }]);
      const before = await readEmailSettings(caller.scope);
      const box = deps.secrets();
      // Left out, the password stays as stored while the user stays the same.
      const keptPassword = b.password === undefined && before?.user === (b.user ?? null) ? before.sealedPassword : null;
      const password = b.password ?? (keptPassword !== null ? requireSecrets(box).open(Buffer.from(keptPassword, 'base64')) : null);
      const problem = await smtpProblem({ host: b.host, port: b.port, secure: b.secure, user: b.user ?? null, password });
      if (problem)
        throw new AppError('INVALID_INPUT', `host: the SMTP server did not accept the connection: ${problem}`, [
          {
            field: 'host',
            message: `the SMTP server ${b.host}:${b.port} did not accept the connection (${problem}): check host, port, secure, user and password`,
          },
        ]);
      const sealedPassword = b.password !== undefined ? requireSecrets(box).seal(b.password).toString('base64') : keptPassword;
      await writeEmailSettings(caller.scope, {
        host: b.host,
        port: b.port,
        secure: b.secure,
        user: b.user ?? null,
        sealedPassword,
        from: b.from,
        frequencyCap: b.frequencyCap === undefined ? (before?.frequencyCap ?? null) : b.frequencyCap,
      });
      const after = (await readEmailSettings(caller.scope))!;
      await recordAudit(caller.scope, {
        ...auditBy(request, caller),
        kind: 'email-settings.saved',
        subject: 'email',
        before: before ? settingsView(before) : null,
        after: settingsView(after),
      });
      return settingsView(after);
    },
  );
}
