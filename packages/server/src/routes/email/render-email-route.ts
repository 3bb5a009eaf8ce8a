import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { composeEmail, emailTemplateProblems, type SecretBox } from '@strata/engine';
import { findProfileId, loadPersonRecord } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { publicBase } from '../../http/public-url.js';
import { requireSecrets } from '../../http/secrets.js';

const renderBody = z.strictObject({
  subject: z.string().min(1).max(2_000),
  text: z.string().min(1).max(100_000),
  html: z.string().min(1).max(200_000).optional(),
  userId: z.string().min(1).max(512).describe('the person to render it for'),
});
const renderedSchema = z.object({
  subject: z.string(),
  text: z.string().describe('with the unsubscribe link appended when the template does not show it'),
  html: z.string().nullable(),
  to: z.string(),
  headers: z.record(z.string(), z.string()).describe('List-Unsubscribe and List-Unsubscribe-Post'),
});

/** The email editor's preview: templates rendered for one person exactly as a playbook's email step sends them. */
export function registerRenderEmailRoute(
  app: FastifyInstance,
  deps: { auth: Authenticated; now: () => Date; secrets: () => SecretBox | undefined; publicUrl: string | undefined },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/playbooks/render-email',
    {
      schema: {
        operationId: 'renderPlaybookEmail',
        summary: "Render an email step's templates for a person, as the send would (unsubscribe link included)",
        tags: ['playbooks'],
        body: renderBody,
        errors: [404],
        response: { 200: renderedSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      const b = request.body;
      const problems = emailTemplateProblems(b);
      if (problems.length > 0)
        throw new AppError(
          'INVALID_INPUT',
          problems.map((p) => `${p.field}: ${p.message}`).join('; '),
          problems.map((p) => ({ field: p.field, message: p.message })),
        );
      const box = requireSecrets(deps.secrets());
      const personId = await findProfileId(scope, 'person', b.userId);
      const person = personId ? await loadPersonRecord(scope, personId) : undefined;
      if (!person) throw new AppError('NOT_FOUND', `no person with userId "${b.userId}"`);
      const composed = await composeEmail(
        {
          workspaceId: scope.workspaceId,
          step: { type: 'email', subject: b.subject, text: b.text, ...(b.html !== undefined ? { html: b.html } : {}) },
          person,
          cause: {},
          now: deps.now(),
        },
        { linkKey: box.linkKey, publicUrl: publicBase(app, deps.publicUrl) },
      );
      if (composed.kind === 'no-address')
        throw new AppError('INVALID_INPUT', `userId: ${composed.reason}; an email step skips them`, [
          { field: 'userId', message: `${composed.reason}; an email step skips them` },
        ]);
      return { ...composed.message, to: composed.to };
    },
  );
}
