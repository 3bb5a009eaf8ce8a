import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { recordSurveyAnswer, surveyScoreRange, verifySurveyLink, type SecretBox, type SurveyLinkClaims } from '@strata/engine';
import { workspaceScope, type Database } from '@strata/storage';
import { escapeHtml, hostedPage } from '../../http/hosted-page.js';

/** A comment of 5,000 characters, form-encoded, fits many times over. */
const formLimit = 64 * 1024;

const surveyCss =
  'label.score{display:inline-block;min-width:2.2rem;padding:.4rem;margin:.15rem;border:1px solid #9aa5b1;border-radius:.3rem;text-align:center}' +
  'textarea{width:100%;min-height:6rem;font:inherit}button{margin-top:.5rem}';
const page = (reply: FastifyReply, status: number, title: string, body: string) => hostedPage(reply, status, title, body, surveyCss);

const question = (kind: string) =>
  kind === 'nps' ? 'How likely are you to recommend us to a friend or colleague?' : 'How satisfied are you with the help you received?';

/** The one form of a survey: the scores (the one from the email's link already chosen), a comment, Send. */
function answerForm(token: string, claims: SurveyLinkClaims, chosen: number | undefined): string {
  const [min, max] = surveyScoreRange[claims.kind];
  const scores: string[] = [];
  for (let s = min; s <= max; s++)
    scores.push(
      `<label class="score"><input type="radio" name="score" value="${s}" required${s === chosen ? ' checked' : ''}> ${s}</label>`,
    );
  return `<form method="post" action="/s/${escapeHtml(token)}"><p>${question(claims.kind)}</p><p>${scores.join('')}</p>
<p><label for="comment">Anything you would like to add? (optional)</label><br>
<textarea id="comment" name="comment" maxlength="5000"></textarea></p><button type="submit">Send</button></form>`;
}

function refused(reply: FastifyReply, reason: 'forged' | 'expired'): FastifyReply {
  return reason === 'expired'
    ? page(
        reply,
        410,
        'This survey link has expired',
        '<p>Thank you for following it. The survey it belonged to has closed, so nothing was recorded.</p>',
      )
    : page(
        reply,
        400,
        'This survey link is not valid',
        '<p>The link may have been cut short or changed. Nothing was recorded; please open it again from the email.</p>',
      );
}

/**
 * Hosted surveys: opening `/s/{token}?score=N` shows that score chosen with a comment box and a
 * Send button; only sending (a POST) records, so link scanners and prefetching mail clients, which
 * open every link of an email with GET or HEAD, answer nothing. Sending again updates the same
 * answer. Expired or forged tokens record nothing.
 */
export function registerSurveyPages(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; now: () => Date; secrets: () => SecretBox | undefined },
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: formLimit }, (_request, body, done) => done(null, body));

  const check = (token: string) => {
    const box = deps.secrets();
    return box ? verifySurveyLink(box.linkKey, token, deps.now()) : undefined;
  };
  const record = async (claims: SurveyLinkClaims, score: number, comment: string | undefined) =>
    // The link names its workspace: the answer's scope is built from the verified claims.
    recordSurveyAnswer(workspaceScope(deps.db(), claims.workspaceId, deps.now), {
      source: 'link',
      suppressionKey: deps.secrets()?.suppressionKey,
      externalId: claims.linkId,
      requester: { userId: claims.userId },
      kind: claims.kind,
      score,
      ...(comment !== undefined ? { comment } : {}),
      ticketId: claims.ticketId,
    });
  const validScore = (claims: SurveyLinkClaims, text: string | undefined): number | undefined => {
    if (text === undefined || !/^\d{1,2}$/.test(text)) return undefined;
    const score = Number(text);
    const [min, max] = surveyScoreRange[claims.kind];
    return score >= min && score <= max ? score : undefined;
  };

  app.get<{ Params: { token: string }; Querystring: { score?: string } }>(
    '/s/:token',
    { schema: { hide: true } },
    async (request, reply) => {
      const verdict = check(request.params.token);
      if (!verdict) return page(reply, 503, 'Surveys are unavailable', '<p>This Strata has no secret key configured.</p>');
      if (!verdict.ok) return refused(reply, verdict.reason);
      // GET (and the HEAD Fastify answers with this handler) never records: see the comment above.
      const chosen = validScore(verdict.claims, request.query.score);
      const title = chosen === undefined ? 'One quick question' : 'One more click to send your answer';
      return page(reply, 200, title, answerForm(request.params.token, verdict.claims, chosen));
    },
  );

  app.post<{ Params: { token: string }; Body: string }>(
    '/s/:token',
    { schema: { hide: true }, bodyLimit: formLimit },
    async (request, reply) => {
      const verdict = check(request.params.token);
      if (!verdict) return page(reply, 503, 'Surveys are unavailable', '<p>This Strata has no secret key configured.</p>');
      if (!verdict.ok) return refused(reply, verdict.reason);
      const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      const comment = (form.get('comment') ?? '').trim().slice(0, 5000);
      const score = validScore(verdict.claims, form.get('score') ?? undefined);
      if (score === undefined)
        return page(reply, 400, 'Please choose a score', answerForm(request.params.token, verdict.claims, undefined));
      // An answer sent again without a comment keeps the comment it had.
      const outcome = await record(verdict.claims, score, comment === '' ? undefined : comment);
      if (outcome.kind !== 'stored')
        return page(
          reply,
          410,
          'This survey is closed',
          '<p>Thank you for answering. The ticket this survey was about is gone, so nothing was recorded.</p>',
        );
      return page(reply, 200, 'Thank you!', `<p>We recorded your answer: <strong>${score}</strong>. You can close this page.</p>`);
    },
  );
}
