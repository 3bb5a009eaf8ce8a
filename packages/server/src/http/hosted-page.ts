import type { FastifyReply } from 'fastify';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe to put into HTML, text or attribute. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c]!);

/**
 * A small page a customer opens from an email without signing in (a survey, an unsubscribe): no
 * script, inline styles only, forms that post back to this origin, never framed or indexed.
 * `body` is HTML its caller escaped; `css` adds rules to the base style.
 */
export function hostedPage(reply: FastifyReply, status: number, title: string, body: string, css = ''): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2933}button{font:inherit;padding:.4rem 1rem}${css}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`);
}
