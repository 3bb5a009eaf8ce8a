import { rankBm25 } from '@strata/core';
import {
  findMemberships,
  findTicket,
  findTicketCustomer,
  listCannedResponses,
  listSegments,
  listTicketMessages,
  type CannedResponseRecord,
  type TicketCustomer,
  type TicketRef,
  type TicketRow,
  type WorkspaceScope,
} from '@strata/storage';
import { renderResponseTemplate, TemplateRenderError } from './response-template.js';
import { searchTerms } from './search-terms.js';
import { repliesInHtml, ticketTemplateData } from './ticket-template-data.js';

/** A canned response offered for a ticket, rendered for its customer. */
export interface ResponseSuggestion {
  key: string;
  title: string;
  body: string;
  /** BM25 similarity to the customer's messages; 0 when no word is shared. */
  score: number;
  /** The words that matched and why the response is allowed for this ticket. */
  why: string;
}

/** Which of a response's scopes let it through for this ticket, in words; undefined when one does not. */
type ScopeCheck = (response: CannedResponseRecord) => string | undefined;

/** Segment scope: the requester's membership for person segments, the account's for account segments. */
async function segmentScope(scope: WorkspaceScope, customer: TicketCustomer): Promise<ScopeCheck> {
  const personId = customer.person?.personId;
  const accountId = customer.account?.accountId;
  const [segments, memberships] = await Promise.all([
    listSegments(scope),
    findMemberships(
      scope,
      [personId, accountId].filter((id) => id !== undefined),
    ),
  ]);
  const targetOf = new Map(segments.map((s) => [s.key, s.target]));
  const isMember = (key: string) => {
    const memberId = targetOf.get(key) === 'person' ? personId : accountId;
    return memberId !== undefined && (memberships.get(key)?.has(memberId) ?? false);
  };
  return (response) => {
    if (response.segments === null) return 'any customer';
    const entered = response.segments.filter(isMember);
    if (entered.length === 0) return undefined;
    return `the ${entered.map((key) => `${targetOf.get(key) === 'person' ? 'requester' : 'account'} is in ${key}`).join(' and ')}`;
  };
}

/** Language scope: the ticket's detected language must be one the response is for. */
function languageScope(ticket: TicketRow): ScopeCheck {
  return (response) => {
    if (response.languages === null) return 'any language';
    if (ticket.language === null || !response.languages.includes(ticket.language)) return undefined;
    return `the ticket is in ${ticket.language}`;
  };
}

/** The customer's side of the conversation: subject and every message they wrote (the opening one included). */
async function customerText(scope: WorkspaceScope, ticket: TicketRow): Promise<string> {
  const messages = await listTicketMessages(scope, ticket.ticket_id);
  return [ticket.subject ?? '', ...messages.filter((m) => m.author === 'customer').map((m) => m.body)].join('\n\n');
}

/**
 * The canned responses allowed for a ticket (its customer's segments, its language), ranked by
 * BM25 similarity of title, rendered body and tags to the customer's messages, each rendered for
 * this customer. Responses sharing no word follow, by key. Undefined when there is no such ticket.
 */
export async function suggestResponses(scope: WorkspaceScope, ref: TicketRef, limit = 10): Promise<ResponseSuggestion[] | undefined> {
  const ticket = await findTicket(scope, ref);
  if (!ticket) return undefined;
  const customer = await findTicketCustomer(scope, ticket.person_id, ticket.account_id);
  const [responses, inSegments, text] = await Promise.all([
    listCannedResponses(scope),
    segmentScope(scope, customer),
    customerText(scope, ticket),
  ]);
  const inLanguage = languageScope(ticket);
  const data = ticketTemplateData(ticket, customer);
  const html = repliesInHtml(ticket);
  const allowed = await Promise.all(
    responses.flatMap((response) => {
      const segmentReason = inSegments(response);
      const languageReason = inLanguage(response);
      if (segmentReason === undefined || languageReason === undefined) return [];
      return [
        renderResponseTemplate(response.body, data, { html }).then(
          (body) => ({ response, body, scope: `for ${segmentReason}, ${languageReason}` }),
          // A template that runs past its limits for this customer is left out, not the whole answer.
          (error: unknown) => {
            if (error instanceof TemplateRenderError) return undefined;
            throw error;
          },
        ),
      ];
    }),
  ).then((rendered) => rendered.filter((r) => r !== undefined));
  const ranked = rankBm25(
    allowed.map((a) => searchTerms([a.response.title, a.body, ...a.response.tags].join('\n'))),
    searchTerms(text),
  );
  const matched = new Map(ranked.map((m) => [m.index, m]));
  const order = [...ranked.map((m) => m.index), ...allowed.map((_, index) => index).filter((index) => !matched.has(index))];
  return order.slice(0, limit).map((index) => {
    const { response, body, scope: scopeReason } = allowed[index]!;
    const match = matched.get(index);
    const words = match
      ? `matched ${match.terms.map((t) => `"${t.term}" (${t.score.toFixed(2)})`).join(', ')}`
      : 'no words in common with the ticket';
    return { key: response.key, title: response.title, body, score: match?.score ?? 0, why: `${words}; allowed ${scopeReason}` };
  });
}
