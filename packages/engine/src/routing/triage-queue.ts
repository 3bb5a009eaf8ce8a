import { defaultTriageWeights, triageScore, triageTerms, type TicketDecision, type TriagePart, type TriageWeights } from '@strata/core';
import {
  findCurrentDecisions,
  listOpenTicketsForTriage,
  listSegmentsOfProfiles,
  readTriageWeights,
  type WorkspaceScope,
} from '@strata/storage';

export interface TriageItem {
  id: string;
  subject: string | null;
  /** The policy's priority, else the ticket's own. */
  priority: string | null;
  status: string | null;
  score: number;
  why: TriagePart[];
  /** The nearest SLA target not yet met, with the minutes left (negative once breached); null without an SLA. */
  sla: { key: string; milestone: string; dueAt: string; minutesLeft: number; breached: string[] } | null;
  queue: string | null;
  assignee: string | null;
  language: string | null;
  sentiment: string | null;
  customer: {
    userId: string | null;
    groupId: string | null;
    accountName: string | null;
    churnRisk: number | null;
    value: number | null;
    /** The segments the requester and their account are in now, keys sorted. */
    segments: string[];
  };
  createdAt: Date;
}

export interface TriagePage {
  items: TriageItem[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

/** The workspace's weights: its setting over the defaults. */
export async function triageWeights(scope: WorkspaceScope): Promise<TriageWeights> {
  const stored = await readTriageWeights(scope);
  return Object.fromEntries(triageTerms.map((t) => [t, stored?.[t] ?? defaultTriageWeights[t]])) as TriageWeights;
}

/**
 * Open tickets in triage order: highest score first, then the older ticket, then the id, so equal
 * scores keep one order. A ticket's queue is the one it was routed through, else the one its
 * policy decided. The order is taken at the moment of reading (time left changes scores), and a
 * cursor continues after the last item read, in that order.
 */
export async function triageQueue(
  scope: WorkspaceScope,
  options: { queue?: string; agent?: string; limit: number; cursor?: string },
): Promise<TriagePage> {
  const now = scope.clock().getTime();
  const weights = await triageWeights(scope);
  const rows = await listOpenTicketsForTriage(scope, options.agent === undefined ? {} : { agent: options.agent });
  const decisions = await findCurrentDecisions(
    scope,
    rows.map((r) => r.ticketId),
  );
  const profiles = new Map(rows.map((r) => [r.ticketId, [r.personId, r.accountId].filter((id): id is string => id !== null)]));
  const items = rows
    .map((row): TriageItem => {
      const decision = decisions.get(row.ticketId)?.decision;
      const sla = nearestSla(decision, row.firstResponseAt, now);
      const priority = decision?.priority ?? row.priority;
      const { score, why } = triageScore(
        { priority, slaMinutesLeft: sla?.minutesLeft ?? null, churnRisk: row.churnRisk, value: row.value, sentiment: row.worstSentiment },
        weights,
      );
      return {
        id: row.ticketId,
        subject: row.subject,
        priority,
        status: row.status,
        score,
        why,
        sla,
        queue: row.routedQueue ?? decision?.queue ?? null,
        assignee: row.assignee,
        language: row.language,
        sentiment: row.worstSentimentLabel,
        customer: {
          userId: row.userId,
          groupId: row.groupId,
          accountName: row.accountName,
          churnRisk: row.churnRisk,
          value: row.value,
          segments: [],
        },
        createdAt: row.createdAt,
      };
    })
    .filter((item) => options.queue === undefined || item.queue === options.queue)
    .sort(inTriageOrder);
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const start = after === undefined ? 0 : items.findIndex((item) => inTriageOrder(item, after) > 0);
  const page = start < 0 ? [] : items.slice(start, start + options.limit);
  // Segments only for the page shown: one read, whatever the number of open tickets.
  const segments = await listSegmentsOfProfiles(
    scope,
    page.flatMap((item) => profiles.get(item.id) ?? []),
  );
  for (const item of page)
    item.customer.segments = [...new Set((profiles.get(item.id) ?? []).flatMap((id) => segments.get(id) ?? []))].sort();
  const more = start >= 0 && start + options.limit < items.length;
  return { items: page, nextCursor: more ? encodeCursor(page.at(-1)!) : null };
}

type Position = Pick<TriageItem, 'score' | 'createdAt' | 'id'>;

function inTriageOrder(a: Position, b: Position): number {
  return b.score - a.score || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const encodeCursor = (item: Position) => Buffer.from(JSON.stringify([item.score, item.createdAt.getTime(), item.id])).toString('base64url');

/** A cursor this function wrote; anything else is refused with the reason. */
export function decodeCursor(cursor: string): Position {
  try {
    const [score, createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown, unknown];
    if (typeof score === 'number' && typeof createdAt === 'number' && typeof id === 'string')
      return { score, createdAt: new Date(createdAt), id };
  } catch {
    // Falls through to the refusal.
  }
  throw new InvalidCursorError();
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor: not one this endpoint gave; pass the nextCursor of the previous page, or leave it out for the first');
    this.name = 'InvalidCursorError';
  }
}

/** The SLA target due soonest among those not met yet: first response until there is one, then next response, and resolution. */
function nearestSla(decision: TicketDecision | undefined, firstResponseAt: Date | null, now: number): TriageItem['sla'] {
  const sla = decision?.sla;
  if (!sla) return null;
  const due = [
    ...(firstResponseAt === null && sla.firstResponseDueAt ? [['first-response', sla.firstResponseDueAt] as const] : []),
    ...(sla.nextResponseDueAt ? [['next-response', sla.nextResponseDueAt] as const] : []),
    ...(sla.resolutionDueAt ? [['resolution', sla.resolutionDueAt] as const] : []),
  ].sort((a, b) => Date.parse(a[1]) - Date.parse(b[1]));
  const [milestone, dueAt] = due[0] ?? [];
  if (!milestone || !dueAt) return null;
  return { key: sla.key, milestone, dueAt, minutesLeft: Math.round((Date.parse(dueAt) - now) / 60_000), breached: sla.breached };
}
