import type { Kysely } from 'kysely';
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
  type Database,
  type SurveyRow,
} from '@strata/storage';
import { withTransactionRetry } from '../ingestion/index.js';
import { WorkCollector } from '../segments/index.js';
import { resolveRequester, type Requester } from './requesters.js';

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

export async function recordSurveyAnswer(
  db: Kysely<Database>,
  workspaceId: string,
  answer: SurveyAnswer,
  now: Date,
): Promise<SurveyOutcome> {
  const [min, max] = surveyScoreRange[answer.kind];
  if (!Number.isInteger(answer.score) || answer.score < min || answer.score > max)
    throw new RangeError(`score of a ${answer.kind} answer must be a whole number from ${min} to ${max}`);
  // Finding the requester may create them (ordinary ingestion, in its own transaction), so an
  // answer about a ticket this workspace does not have is refused before that: a refused answer
  // stores nothing. The ticket is locked and checked again in the answer's transaction below.
  if (answer.ticketId !== undefined && !(await findTicket(db, workspaceId, { ticketId: answer.ticketId })))
    return { kind: 'unknown-ticket' };
  const owner = await resolveRequester(db, workspaceId, answer.source, answer.requester, now);
  if (!owner.personId && !owner.accountId) return { kind: 'no-requester' };
  const submittedAt = answer.submittedAt ?? now;

  const outcome = await withTransactionRetry(() =>
    db.transaction().execute(async (tx) => {
      if (answer.delivery && !(await claimWebhookDelivery(tx, workspaceId, answer.delivery.provider, answer.delivery.eventId)))
        return { kind: 'duplicate-delivery' as const };
      const work = new WorkCollector();
      let ticketId: string | null = null;
      if (answer.ticketId !== undefined) {
        const ticket = await lockTicket(tx, workspaceId, { ticketId: answer.ticketId });
        if (!ticket) return { kind: 'unknown-ticket' as const };
        ticketId = ticket.ticket_id;
        if (answer.kind === 'csat') {
          await updateTicket(tx, workspaceId, ticket.ticket_id, { csat: answer.score, csat_comment: answer.comment ?? null });
          if (ticket.person_id) work.add('person', ticket.person_id, ['tickets'], { kind: 'support' });
          if (ticket.account_id) work.add('account', ticket.account_id, ['tickets'], { kind: 'support' });
        }
      }
      const result = await upsertSurvey(tx, {
        workspace_id: workspaceId,
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
      await enqueueSegmentWork(tx, workspaceId, work.work());
      return { kind: 'row' as const, row: result.stored, created: result.previous === undefined, applied: result.applied };
    }),
  );
  if (outcome.kind !== 'row') return outcome;
  return { kind: 'stored', survey: await surveyView(db, workspaceId, outcome.row), created: outcome.created, applied: outcome.applied };
}

async function surveyView(db: Kysely<Database>, workspaceId: string, row: SurveyRow): Promise<SurveyView> {
  const ids = await findExternalIdsOf(db, workspaceId, { personId: row.person_id, accountId: row.account_id });
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
