import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { verifyUnsubscribeToken, type SecretBox } from '@strata/engine';
import { deleteEmailSuppression, findEmailSuppression, suppressEmail, workspaceScope, type Database } from '@strata/storage';
import { escapeHtml, hostedPage } from '../../http/hosted-page.js';

/**
 * Unsubscribe links, no login: the signed token names the workspace and the address. Opening the
 * link (GET) unsubscribes, as people expect of it, and the page it shows offers to resubscribe in
 * one click, for the person who opened it by mistake (or whose mail scanner did). A mail client's
 * one-click unsubscribe (RFC 8058) POSTs `List-Unsubscribe=One-Click` to the same URL. All are
 * idempotent, and resubscribing lifts only an unsubscribe: never a bounce or a manual suppression.
 */
export function registerUnsubscribePages(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; now: () => Date; secrets: () => SecretBox | undefined },
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => done(null, body));
  const claimsOf = (token: string | undefined) => {
    const box = deps.secrets();
    return box && token ? verifyUnsubscribeToken(box.linkKey, token) : undefined;
  };
  const invalid = (reply: FastifyReply) =>
    hostedPage(
      reply,
      400,
      'This unsubscribe link is not valid',
      '<p>The link may have been cut short or changed. Please open it again from the email.</p>',
    );

  const unsubscribe = async (request: { query: { token?: string } }, reply: FastifyReply) => {
    const claims = claimsOf(request.query.token);
    if (!claims) return invalid(reply);
    await suppressEmail(workspaceScope(deps.db(), claims.workspaceId, deps.now), claims.email, 'unsubscribed');
    return hostedPage(
      reply,
      200,
      'You are unsubscribed',
      `<p>${escapeHtml(claims.email)} gets no more marketing email from us.</p>
<form method="post" action="/unsubscribe/undo?token=${escapeHtml(request.query.token!)}"><p>Opened this by mistake?</p>
<button type="submit">Resubscribe</button></form>`,
    );
  };
  app.get<{ Querystring: { token?: string } }>('/unsubscribe', { schema: { hide: true } }, unsubscribe);
  app.post<{ Querystring: { token?: string } }>('/unsubscribe', { schema: { hide: true } }, unsubscribe);
  app.post<{ Querystring: { token?: string } }>('/unsubscribe/undo', { schema: { hide: true } }, async (request, reply) => {
    const claims = claimsOf(request.query.token);
    if (!claims) return invalid(reply);
    const scope = workspaceScope(deps.db(), claims.workspaceId, deps.now);
    if ((await findEmailSuppression(scope, claims.email))?.reason === 'unsubscribed') await deleteEmailSuppression(scope, claims.email);
    return hostedPage(reply, 200, 'You are subscribed again', `<p>${escapeHtml(claims.email)} gets our email again.</p>`);
  });
}
