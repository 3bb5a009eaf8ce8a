import { z } from 'zod';
import { defaultSlaWarningMinutes, type DecidedSla, type SlaMilestone } from '@strata/core';
import {
  findCurrentDecisions,
  inWorkspaceTransaction,
  matchTicketPolicies,
  readSlaWarningMinutes,
  workspaceScope,
  type WorkspaceScope,
} from '@strata/storage';
import { enqueueMany, type Task } from '../jobs/index.js';
import { announceSupportEvents } from './announce-support-events.js';
import { decideTickets } from './decide-tickets.js';

type TimerKind = 'warning' | 'breach';
type Payload = { workspaceId: string; ticketId: string; milestone: SlaMilestone; kind: TimerKind; dueAt: string };

const dueField: Record<SlaMilestone, keyof Pick<DecidedSla, 'firstResponseDueAt' | 'nextResponseDueAt' | 'resolutionDueAt'>> = {
  'first-response': 'firstResponseDueAt',
  'next-response': 'nextResponseDueAt',
  resolution: 'resolutionDueAt',
};
const milestones = Object.keys(dueField) as SlaMilestone[];

/**
 * Fires when an SLA target is near (`warning`) or passed (`breach`) with no write to cause it:
 * each decision schedules its own timers. On waking it checks that the ticket's current decision
 * still has this due time and that the target is still unmet (a solved ticket, an answer or a
 * new decision cancels it), then announces `sla.warning` or `sla.breached`; a breach also decides
 * the ticket again so its `breached` list shows it.
 */
export const slaTimerTask: Task<Payload> = {
  name: 'sla-timer',
  payload: z
    .object({
      workspaceId: z.string(),
      ticketId: z.string(),
      milestone: z.enum(['first-response', 'next-response', 'resolution']),
      kind: z.enum(['warning', 'breach']),
      dueAt: z.string(),
    })
    .passthrough(),
  maxAttempts: 5,
  async run(payload, { db, now }) {
    await fireSlaTimer(workspaceScope(db, payload.workspaceId, now), payload);
  },
};

/** What the timer does when it wakes; exported for tests, which move the clock instead of waiting. */
export async function fireSlaTimer(scope: WorkspaceScope, timer: Omit<Payload, 'workspaceId'>): Promise<void> {
  await inWorkspaceTransaction(scope, async (tx) => {
    const [facts] = await matchTicketPolicies(tx, [], { ids: [timer.ticketId] });
    const sla = (await findCurrentDecisions(tx, [timer.ticketId])).get(timer.ticketId)?.decision.sla;
    if (!facts || !sla || sla[dueField[timer.milestone]] !== timer.dueAt) return;
    const met = {
      'first-response': facts.facts.firstResponseAt !== null,
      'next-response': facts.facts.awaitingAnswerSince === undefined,
      resolution: facts.facts.solvedAt !== null || !facts.isOpen,
    }[timer.milestone];
    if (met) return;
    const type = timer.kind === 'warning' ? 'sla.warning' : 'sla.breached';
    await announceSupportEvents(tx, [
      {
        ticketId: timer.ticketId,
        type,
        dedupeKey: `${type}:${timer.ticketId}:${timer.milestone}:${timer.dueAt}`,
        payload: {
          type,
          timestamp: tx.clock().toISOString(),
          data: { ticket: timer.ticketId, sla: sla.key, milestone: timer.milestone, dueAt: timer.dueAt },
        },
        at: tx.clock(),
      },
    ]);
    if (timer.kind === 'breach') await decideTickets(tx, { ids: [timer.ticketId] }, `sla-breached:${timer.milestone}`);
  });
}

/**
 * Schedules the warning and breach timers of each ticket's SLA in the caller's transaction. One
 * job key per ticket, milestone and kind: a new decision replaces the pending timer, and a timer
 * whose due time is no longer the ticket's does nothing when it wakes.
 */
export async function scheduleSlaTimers(
  scope: WorkspaceScope,
  decided: ReadonlyArray<{ ticketId: string; sla: DecidedSla | null }>,
): Promise<void> {
  const withSla = decided.filter((d): d is { ticketId: string; sla: DecidedSla } => d.sla !== null);
  if (withSla.length === 0) return;
  const warning = (await readSlaWarningMinutes(scope)) ?? defaultSlaWarningMinutes;
  const jobs = withSla.flatMap(({ ticketId, sla }) =>
    milestones.flatMap((milestone) => {
      const dueAt = sla[dueField[milestone]];
      if (dueAt === null || sla.breached.includes(milestone)) return [];
      const due = new Date(dueAt);
      const timer = (kind: TimerKind, runAt: Date) => ({
        payload: { workspaceId: scope.workspaceId, ticketId, milestone, kind, dueAt },
        runAt,
        key: `sla:${scope.workspaceId}:${ticketId}:${milestone}:${kind}`,
      });
      return [timer('warning', new Date(due.getTime() - warning * 60_000)), timer('breach', due)];
    }),
  );
  await enqueueMany(scope.db, slaTimerTask, jobs);
}
