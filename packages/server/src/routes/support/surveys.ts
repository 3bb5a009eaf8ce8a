import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { issueSurveyLink, recordSurveyAnswer, surveyScoreRange, type SecretBox, type SurveyOutcome, type SurveyView } from '@strata/engine';
import { findProfileId, findTicket, type Database } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { publicBase } from '../../http/public-url.js';
import { requireSecrets } from '../../http/secrets.js';

const kind = z.enum(['nps', 'csat']);
const responseBody = z
  .object({
    userId: z.string().min(1).max(512),
    kind,
    score: z.number().int(),
    comment: z.string().max(5000).optional(),
    ticketId: z.uuid().optional().describe("Strata's ticket id; a CSAT answer about a ticket also becomes its CSAT"),
    externalId: z.string().min(1).max(256).optional().describe('your id for the answer: sending it again updates it'),
    submittedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((b, ctx) => {
    const [min, max] = surveyScoreRange[b.kind];
    if (b.score < min || b.score > max)
      ctx.addIssue({ code: 'custom', path: ['score'], message: `a ${b.kind} score is a whole number from ${min} to ${max}` });
  });
const surveySchema = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  groupId: z.string().nullable(),
  kind: z.string(),
  score: z.number(),
  category: z.string().nullable().describe('NPS only: promoter (9-10), passive (7-8) or detractor (0-6)'),
  comment: z.string().nullable(),
  ticketId: z.string().nullable(),
  source: z.string(),
  submittedAt: z.date(),
});
const linkBody = z.object({
  userId: z.string().min(1).max(512),
  kind,
  ticketId: z.uuid().optional(),
  expiresInDays: z.number().int().min(1).max(365).default(30),
});
const linkSchema = z.object({
  url: z.string().describe('add ?score=N to open it with that score chosen; the person then sends it'),
  scoreUrls: z.record(z.string(), z.string()).describe('one link per possible score, for the buttons of an email'),
  expiresAt: z.date(),
});

export function surveyAnswer(outcome: SurveyOutcome): { survey: SurveyView; created: boolean } {
  if (outcome.kind === 'unknown-ticket') throw new AppError('NOT_FOUND', 'ticketId names no ticket of this workspace');
  if (outcome.kind !== 'stored') throw new Error(`invariant: ${outcome.kind} from an API answer`);
  return outcome;
}

/** Survey answers and hosted one-click survey links. */
export function registerSurveyRoutes(
  app: FastifyInstance,
  deps: {
    db: () => Kysely<Database>;
    auth: Authenticated;
    now: () => Date;
    secrets: () => SecretBox | undefined;
    publicUrl: string | undefined;
  },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/surveys/responses',
    {
      schema: {
        operationId: 'recordSurveyResponse',
        summary: 'Record an NPS (0-10) or CSAT (1-5) answer',
        security: [{ bearer: [] }, { writeKey: [] }],
        errors: [404],
        tags: ['surveys'],
        body: responseBody,
        response: { 200: surveySchema, 201: surveySchema },
      },
    },
    async (request, reply) => {
      const { scope } = await deps.auth(request, 'surveys:write');
      const b = request.body;
      const { survey, created } = surveyAnswer(
        await recordSurveyAnswer(scope, {
          source: 'api',
          suppressionKey: deps.secrets()?.suppressionKey,
          externalId: b.externalId,
          requester: { userId: b.userId },
          kind: b.kind,
          score: b.score,
          comment: b.comment,
          ticketId: b.ticketId,
          submittedAt: b.submittedAt ? new Date(b.submittedAt) : undefined,
        }),
      );
      return reply.status(created ? 201 : 200).send(survey);
    },
  );
  api.post(
    '/surveys/links',
    {
      schema: {
        operationId: 'createSurveyLink',
        summary: 'Issue a signed, expiring one-click survey link for a person',
        security: [{ bearer: [] }, { writeKey: [] }],
        errors: [404],
        tags: ['surveys'],
        body: linkBody,
        response: { 200: linkSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'surveys:write');
      const box = requireSecrets(deps.secrets());
      const b = request.body;
      if (!(await findProfileId(scope, 'person', b.userId)))
        throw new AppError('NOT_FOUND', `no person with userId "${b.userId}"; identify them before sending a survey`);
      // A link about another workspace's ticket would show "recorded" and record nothing: refuse it now.
      if (b.ticketId !== undefined && !(await findTicket(scope, { ticketId: b.ticketId })))
        throw new AppError('NOT_FOUND', 'ticketId names no ticket of this workspace');
      const expiresAt = Math.floor(deps.now().getTime() / 1000) + b.expiresInDays * 86_400;
      const { token } = issueSurveyLink(box.linkKey, {
        workspaceId: scope.workspaceId,
        userId: b.userId,
        kind: b.kind,
        ticketId: b.ticketId,
        expiresAt,
      });
      const url = `${publicBase(app, deps.publicUrl)}/s/${token}`;
      const [min, max] = surveyScoreRange[b.kind];
      const scoreUrls: Record<string, string> = {};
      for (let score = min; score <= max; score++) scoreUrls[String(score)] = `${url}?score=${score}`;
      return { url, scoreUrls, expiresAt: new Date(expiresAt * 1000) };
    },
  );
}
