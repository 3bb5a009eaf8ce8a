import type { PlaybookStep } from '@strata/core';
import { checkResponseTemplate, renderResponseTemplate } from '../support/index.js';

type EmailStep = Extract<PlaybookStep, { type: 'email' }>;
type SurveyStep = Extract<PlaybookStep, { type: 'survey' }>;

/** The templates an email step renders; `html` is optional. */
export interface EmailTemplates {
  subject: string;
  text: string;
  html?: string | undefined;
}

/** A rendered email, as the outbox keeps it. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string | null;
}

/** Each template field that does not parse, by name (`subject`, `text`, `html`), with the parser's complaint. */
export function emailTemplateProblems(templates: Partial<EmailTemplates>): Array<{ field: keyof EmailTemplates; message: string }> {
  const problems: Array<{ field: keyof EmailTemplates; message: string }> = [];
  for (const field of ['subject', 'text', 'html'] as const) {
    const body = templates[field];
    if (body === undefined) continue;
    const problem = checkResponseTemplate(body);
    if (problem)
      problems.push({
        field,
        message: `the Liquid template does not parse: ${problem.message}${problem.line ? ` (line ${problem.line}, column ${problem.column ?? 1})` : ''}`,
      });
  }
  return problems;
}

/** The default text of a survey email: the question and one link per score. */
function surveyText(step: SurveyStep): string {
  const question =
    step.kind === 'nps'
      ? 'How likely are you to recommend us to a friend or colleague? (0 = not at all, 10 = extremely)'
      : 'How satisfied are you with us? (1 = very unsatisfied, 5 = very satisfied)';
  return `${question}\n\n{% for link in surveyLinks %}{{ link.score }}: {{ link.url }}\n{% endfor %}`;
}

/** The templates of an email or survey step. */
export function stepTemplates(step: EmailStep | SurveyStep): EmailTemplates {
  if (step.type === 'email') return { subject: step.subject, text: step.text, ...(step.html !== undefined ? { html: step.html } : {}) };
  return { subject: step.subject, text: step.text ?? surveyText(step) };
}

/**
 * Renders the templates over `data`; missing values render empty, HTML escapes every output. The
 * unsubscribe link is appended to the text and the HTML when the template does not show it.
 */
export async function renderEmail(
  templates: EmailTemplates,
  data: Record<string, unknown> & { unsubscribeUrl: string },
): Promise<RenderedEmail> {
  const subject = (await renderResponseTemplate(templates.subject, data, { html: false })).replace(/[\r\n]+/g, ' ').trim();
  let text = await renderResponseTemplate(templates.text, data, { html: false });
  if (!text.includes(data.unsubscribeUrl)) text = `${text.trimEnd()}\n\n--\nUnsubscribe: ${data.unsubscribeUrl}\n`;
  let html: string | null = null;
  if (templates.html !== undefined) {
    html = await renderResponseTemplate(templates.html, data, { html: true });
    if (!html.includes(data.unsubscribeUrl))
      html = `${html}\n<p style="font-size:12px;color:#666"><a href="${data.unsubscribeUrl}">Unsubscribe</a></p>`;
  }
  return { subject, text, html };
}
