import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { verifyUnsubscribeToken, type SecretBox } from '@strata/engine';
import { suppressEmail, workspaceScope, type Database } from '@strata/storage';
import { escapeHtml, hostedPage } from '../../http/hosted-page.js';

/**
 * Unsubscribe links, no login: the signed token names the workspace and the address. Opening the
 * link (GET) shows a page with one button; only a POST unsubscribes, so mail scanners that open
 * every link do not unsubscribe anyone. A mail client's one-click unsubscribe (RFC 8058) POSTs
 * `List-Unsubscribe=One-Click` to the same URL. Both are idempotent.
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

  app.get<{ Querystring: { token?: string } }>('/unsubscribe', { schema: { hide: true } }, async (request, reply) => {
    const claims = claimsOf(request.query.token);
    if (!claims) return invalid(reply);
    return hostedPage(
      reply,
      200,
      'Unsubscribe',
      `<form method="post" action="/unsubscribe?token=${escapeHtml(request.query.token!)}"><p>Stop marketing email to <strong>${escapeHtml(claims.email)}</strong>?</p>
<button type="submit">Unsubscribe</button></form>`,
    );
  });
  app.post<{ Querystring: { token?: string } }>('/unsubscribe', { schema: { hide: true } }, async (request, reply) => {
    const claims = claimsOf(request.query.token);
    if (!claims) return invalid(reply);
    await suppressEmail(workspaceScope(deps.db(), claims.workspaceId, deps.now), claims.email, 'unsubscribed');
    return hostedPage(reply, 200, 'You are unsubscribed', `<p>${escapeHtml(claims.email)} gets no more marketing email from us.</p>`);
  });
}
