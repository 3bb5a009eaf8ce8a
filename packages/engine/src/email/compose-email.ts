import type { PersonRecord, PlaybookStep } from '@strata/core';
import type { OutboxMessage } from '@strata/storage';
import { issueSurveyLink, surveyScoreRange } from '../support/index.js';
import { renderEmail, stepTemplates } from './email-templates.js';
import { issueUnsubscribeToken, unsubscribeUrl } from './unsubscribe-links.js';

/** What building links needs: the key links are signed with and where people reach this Strata. */
export interface LinkSigning {
  linkKey: Buffer;
  publicUrl: string;
}

/** How long a survey email's links record answers. */
const surveyLinkDays = 30;

export type ComposedEmail = { kind: 'email'; to: string; message: OutboxMessage } | { kind: 'no-address'; reason: string };

/** The person's address: the `email` trait, when it looks like one. */
export function emailOf(person: PersonRecord): string | undefined {
  const email = person.traits['email'];
  return typeof email === 'string' && /^[^\s@]+@[^\s@]+$/.test(email.trim()) ? email.trim() : undefined;
}

/**
 * Renders an email or survey step for a person, exactly as it is sent: the templates see
 * `person` (traits, userId, email), `account` (the first account's traits), `event` (the
 * triggering event, if any) and `unsubscribeUrl`; a survey also `surveyUrl` and `surveyLinks`.
 * Every email carries List-Unsubscribe headers (RFC 2369 and the one-click POST of RFC 8058).
 */
export async function composeEmail(
  input: {
    workspaceId: string;
    step: Extract<PlaybookStep, { type: 'email' | 'survey' }>;
    person: PersonRecord;
    cause: Record<string, unknown>;
    now: Date;
  },
  links: LinkSigning,
): Promise<ComposedEmail> {
  const { person, step } = input;
  const to = emailOf(person);
  if (!to) return { kind: 'no-address', reason: 'the person has no email trait' };
  const userId = typeof person.columns['user_id'] === 'string' ? person.columns['user_id'] : null;
  const url = unsubscribeUrl(links.publicUrl, issueUnsubscribeToken(links.linkKey, { workspaceId: input.workspaceId, email: to }));
  const data: Record<string, unknown> & { unsubscribeUrl: string } = {
    person: { ...person.traits, userId, email: to },
    account: person.accounts[0]?.traits ?? null,
    event: input.cause['event'] ?? null,
    unsubscribeUrl: url,
  };
  if (step.type === 'survey') {
    if (!userId) return { kind: 'no-address', reason: 'a survey link names the person by userId, and the person has none' };
    const expiresAt = Math.floor(input.now.getTime() / 1000) + surveyLinkDays * 86_400;
    const { token } = issueSurveyLink(links.linkKey, { workspaceId: input.workspaceId, userId, kind: step.kind, expiresAt });
    const surveyUrl = `${links.publicUrl.replace(/\/+$/, '')}/s/${token}`;
    const [min, max] = surveyScoreRange[step.kind];
    data['surveyUrl'] = surveyUrl;
    data['surveyLinks'] = Array.from({ length: max - min + 1 }, (_, i) => ({ score: min + i, url: `${surveyUrl}?score=${min + i}` }));
  }
  const rendered = await renderEmail(stepTemplates(step), data);
  return {
    kind: 'email',
    to,
    message: {
      ...rendered,
      headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    },
  };
}
