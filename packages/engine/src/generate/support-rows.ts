import { randomUUID } from 'node:crypto';
import { builtInTopicRules, matchTopics, mergeTicketTopics, npsCategory, type BusinessHours } from '@strata/core';
import { copyValue, type TicketMessageRow } from '@strata/storage';
import { deriveTicket } from '../support/index.js';
import type { TextAnalyser, TextSignals } from '../support/index.js';
import type { SampleSupport } from './sample-support.js';

/** Generated text repeats, so each distinct message need be analysed once. */
export function memoised(analyse: TextAnalyser): TextAnalyser {
  const cache = new Map<string, TextSignals>();
  return (body) => {
    let signals = cache.get(body);
    if (!signals) cache.set(body, (signals = analyse(body)));
    return signals;
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const line = (values: Array<string | number | boolean | null>) => values.map(copyValue).join('\t');

/**
 * COPY lines for an account's generated tickets, messages and answers, derived exactly as the
 * ticket service derives them (the same sentiment analysis and the same business-hours maths).
 */
export function supportRows(
  workspaceId: string,
  groupId: string,
  accountId: string,
  personIds: Map<string, string>,
  support: SampleSupport,
  hours: BusinessHours,
  signalsOf: TextAnalyser,
): { tickets: string[]; messages: string[]; surveys: string[] } {
  const tickets: string[] = [];
  const messages: string[] = [];
  const surveys: string[] = [];
  const ticketIds: string[] = [];
  for (const ticket of support.tickets) {
    const ticketId = randomUUID();
    ticketIds.push(ticketId);
    const personId = personIds.get(ticket.person.userId) ?? null;
    const rows: TicketMessageRow[] = ticket.messages.map((m) => {
      const signals = m.author === 'customer' ? signalsOf(m.body) : undefined;
      return {
        workspace_id: workspaceId,
        ticket_id: ticketId,
        message_id: randomUUID(),
        external_id: null,
        author: m.author,
        public: m.public,
        body: m.body,
        sentiment: signals?.sentiment?.score ?? null,
        sentiment_label: signals?.sentiment?.label ?? null,
        language: signals?.language ?? null,
        language_confidence: signals?.languageConfidence ?? null,
        language_source: signals?.languageSource ?? null,
        language_supported: signals?.languageSupported ?? true,
        sentiment_correction: null,
        created_at: new Date(m.at),
      };
    });
    const derived = deriveTicket(
      {
        created_at: new Date(ticket.createdAt),
        solved_at: ticket.solvedAt === null ? null : new Date(ticket.solvedAt),
        first_response_at: null,
      },
      rows,
      hours,
      null,
    );
    for (const m of rows)
      messages.push(
        line([
          workspaceId,
          ticketId,
          m.message_id,
          m.message_id,
          m.author,
          m.public,
          m.body,
          m.sentiment,
          m.sentiment_label,
          m.language,
          iso(m.created_at.getTime()),
          m.language_confidence,
          m.language_source,
          m.language_supported,
        ]),
      );
    const open = ticket.status !== 'solved' && ticket.status !== 'closed';
    // The built-in rules, as a new workspace has them (the ticket service reads the workspace's).
    const customerText = [ticket.subject, ...ticket.messages.filter((m) => m.author === 'customer').map((m) => m.body)].join('\n');
    const topics = mergeTicketTopics([], matchTopics(customerText, builtInTopicRules), ticket.tags, builtInTopicRules);
    tickets.push(
      line([
        workspaceId,
        ticketId,
        personId,
        accountId,
        'generated',
        ticket.externalId,
        ticket.subject,
        ticket.messages[0]?.body ?? null,
        ticket.priority,
        ticket.status,
        ticket.channel,
        `{${ticket.tags.map((t) => `"${t}"`).join(',')}}`,
        open,
        iso(ticket.createdAt),
        iso(ticket.solvedAt),
        ticket.reopenCount,
        ticket.csat?.score ?? null,
        ticket.csat?.comment ?? null,
        derived.sentiment ?? null,
        derived.sentiment_label ?? null,
        derived.worst_sentiment ?? null,
        derived.worst_sentiment_label ?? null,
        derived.language ?? null,
        derived.first_response_at ? iso((derived.first_response_at as Date).getTime()) : null,
        derived.first_response_minutes ?? null,
        derived.first_response_business_minutes ?? null,
        derived.resolution_minutes ?? null,
        derived.resolution_business_minutes ?? null,
        topics[0] ?? null,
        `{${topics.map((t) => `"${t}"`).join(',')}}`,
      ]),
    );
  }
  support.surveys.forEach((survey, index) => {
    surveys.push(
      line([
        workspaceId,
        randomUUID(),
        personIds.get(survey.person.userId) ?? null,
        accountId,
        'generated',
        `${groupId}-S${index + 1}`,
        survey.ticket === null ? null : ticketIds[survey.ticket]!,
        survey.kind,
        survey.kind === 'nps' ? survey.score : null,
        survey.kind === 'csat' ? survey.score : null,
        survey.score,
        survey.kind === 'nps' ? npsCategory(survey.score) : null,
        survey.comment,
        iso(survey.at),
      ]),
    );
  });
  return { tickets, messages, surveys };
}

/** Columns of the lines above, in order. */
export const ticketColumns = [
  'workspace_id',
  'ticket_id',
  'person_id',
  'account_id',
  'source',
  'external_id',
  'subject',
  'description',
  'priority',
  'status',
  'channel',
  'tags',
  'is_open',
  'created_at',
  'solved_at',
  'reopen_count',
  'csat',
  'csat_comment',
  'sentiment',
  'sentiment_label',
  'worst_sentiment',
  'worst_sentiment_label',
  'language',
  'first_response_at',
  'first_response_minutes',
  'first_response_business_minutes',
  'resolution_minutes',
  'resolution_business_minutes',
  'topic',
  'topics',
];
export const messageColumns = [
  'workspace_id',
  'ticket_id',
  'message_id',
  'external_id',
  'author',
  'public',
  'body',
  'sentiment',
  'sentiment_label',
  'language',
  'created_at',
  'language_confidence',
  'language_source',
  'language_supported',
];
export const surveyColumns = [
  'workspace_id',
  'survey_id',
  'person_id',
  'account_id',
  'source',
  'external_id',
  'ticket_id',
  'kind',
  'nps',
  'csat',
  'score',
  'category',
  'comment',
  'submitted_at',
];
