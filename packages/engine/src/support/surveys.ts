import { v7 as uuidv7 } from 'uuid';
import { npsCategory } from '@strata/core';
import {
  claimWebhookDelivery,
  enqueueSegmentWork,
  findExternalIdsOf,
  findTicket,
  lockTicket,
  updateTicket,
  upsertSurvey,
  type SurveyRow,
} from '@strata/storage';
import { withTransactionRetry } from '../ingestion/index.js';
import { WorkCollector } from '../segments/index.js';
import { resolveRequester, type Requester } from './requesters.js';
import { inWorkspaceTransaction, type WorkspaceScope } from '@strata/storage';

export type SurveyKind = 'nps' | 'csat';
export const surveyScoreRange: Record<SurveyKind, [number, number]> = { nps: [0, 10], csat: [1, 5] };

/** One answer to an NPS or CSAT question. */
export interface SurveyAnswer {
  /** `api`, `link` (hosted one-click survey) or `delighted`. */
  source: string;
  /** The same source and external id update one answer instead of adding another. */
  externalId?: string | undefined;
  requester: Requester;
  kind: SurveyKind;
  score: number;
  comment?: string | null | undefined;
  /** Strata's ticket id: a CSAT answer about a ticket also becomes that ticket's CSAT. */
  ticketId?: string | undefined;
  submittedAt?: Date | undefined;
  delivery?: { provider: string; eventId: string } | undefined;
  /** Checks the requester against erased people (SecretBox.suppressionKey): a suppressed one is not created again. */
  suppressionKey?: Buffer | undefined;
}

export interface SurveyView {
  id: string;
  userId: string | null;
  groupId: string | null;
  kind: string;
  score: number;
  category: string | null;
  comment: string | null;
  ticketId: string | null;
  source: string;
  submittedAt: Date;
}

export type SurveyOutcome =
  | { kind: 'stored'; survey: SurveyView; created: boolean; applied: boolean }
  | { kind: 'duplicate-delivery' }
  | { kind: 'unknown-ticket' }
  | { kind: 'no-requester' };

export async function recordSurveyAnswer(scope: WorkspaceScope, answer: SurveyAnswer): Promise<SurveyOutcome> {
  const now = scope.clock();
  const [min, max] = surveyScoreRange[answer.kind];
  if (!Number.isInteger(answer.score) || answer.score < min || answer.score > max)
    throw new RangeError(`score of a ${answer.kind} answer must be a whole number from ${min} to ${max}`);
  // Finding the requester may create them (ordinary ingestion, in its own transaction), so an
  // answer about a ticket this workspace does not have is refused before that: a refused answer
  // stores nothing. The ticket is locked and checked again in the answer's transaction below.
  if (answer.ticketId !== undefined && !(await findTicket(scope, { ticketId: answer.ticketId }))) return { kind: 'unknown-ticket' };
  const owner = await resolveRequester(scope, answer.source, answer.requester, answer.suppressionKey);
  if (!owner.personId && !owner.accountId) return { kind: 'no-requester' };
  const submittedAt = answer.submittedAt ?? now;

  const outcome = await withTransactionRetry(() =>
    inWorkspaceTransaction(scope, async (tx) => {
      if (answer.delivery && !(await claimWebhookDelivery(tx, answer.delivery.provider, answer.delivery.eventId)))
        return { kind: 'duplicate-delivery' as const };
      const work = new WorkCollector();
      let ticketId: string | null = null;
      if (answer.ticketId !== undefined) {
        const ticket = await lockTicket(tx, { ticketId: answer.ticketId });
        if (!ticket) return { kind: 'unknown-ticket' as const };
        ticketId = ticket.ticket_id;
        if (answer.kind === 'csat') {
          await updateTicket(tx, ticket.ticket_id, { csat: answer.score, csat_comment: answer.comment ?? null });
          if (ticket.person_id) work.add('person', ticket.person_id, ['tickets'], { kind: 'support' });
          if (ticket.account_id) work.add('account', ticket.account_id, ['tickets'], { kind: 'support' });
        }
      }
      const result = await upsertSurvey(tx, {
        survey_id: uuidv7(),
        source: answer.source,
        external_id: answer.externalId ?? uuidv7(),
        person_id: owner.personId,
        account_id: owner.accountId,
        ticket_id: ticketId,
        kind: answer.kind,
        score: answer.score,
        nps: answer.kind === 'nps' ? answer.score : null,
        csat: answer.kind === 'csat' ? answer.score : null,
        category: answer.kind === 'nps' ? npsCategory(answer.score) : null,
        // An answer given again without a comment (a survey link opened twice) keeps the comment it had.
        ...(answer.comment !== undefined ? { comment: answer.comment } : {}),
        submitted_at: submittedAt,
      });
      for (const row of [result.previous, result.stored]) {
        if (row?.person_id) work.add('person', row.person_id, ['surveys'], { kind: 'support' });
        if (row?.account_id) work.add('account', row.account_id, ['surveys'], { kind: 'support' });
      }
      await enqueueSegmentWork(tx, work.work());
      return { kind: 'row' as const, row: result.stored, created: result.previous === undefined, applied: result.applied };
    }),
  );
  if (outcome.kind !== 'row') return outcome;
  return { kind: 'stored', survey: await surveyView(scope, outcome.row), created: outcome.created, applied: outcome.applied };
}

async function surveyView(scope: WorkspaceScope, row: SurveyRow): Promise<SurveyView> {
  const ids = await findExternalIdsOf(scope, { personId: row.person_id, accountId: row.account_id });
  return {
    id: row.survey_id,
    userId: ids.userId,
    groupId: ids.groupId,
    kind: row.kind ?? 'nps',
    score: row.score ?? 0,
    category: row.category,
    comment: row.comment,
    ticketId: row.ticket_id,
    source: row.source,
    submittedAt: row.submitted_at,
  };
}
