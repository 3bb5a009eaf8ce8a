import { z } from 'zod';
import { atOneInstant, listWorkspacesWithPlaybooksOn, workspaceScope, type StoredPlaybook, type WorkspaceScope } from '@strata/storage';
import type { Task } from '../jobs/index.js';
import { enrollFromEvents } from './event-enrolments.js';
import { enrollFromHealthBands } from './health-band-enrolments.js';
import { enrollFromSchedules } from './schedule-enrolments.js';
import { enrollFromSolvedTickets } from './ticket-solved-enrolments.js';

/** What one pass over a workspace's trigger sources read and started. */
export interface TriggerPass {
  events: number;
  healthBandChanges: number;
  solvedTickets: number;
  scheduledRuns: number;
}

/**
 * Reads every trigger source of a workspace but segment changes (those come through the change
 * subscribers): events, health band changes, solved tickets, and schedules whose time has come.
 */
export async function pollPlaybookTriggers(scope: WorkspaceScope): Promise<TriggerPass> {
  const at = atOneInstant(scope);
  return {
    events: await enrollFromEvents(at),
    healthBandChanges: await enrollFromHealthBands(at),
    solvedTickets: await enrollFromSolvedTickets(at),
    scheduledRuns: await enrollFromSchedules(at),
  };
}

/** The trigger kinds this poll reads; segment changes come through the change subscribers. */
export const polledTriggers = ['event', 'schedule', 'health-band-changed', 'ticket-solved'] as const satisfies ReadonlyArray<
  StoredPlaybook['trigger']['on']
>;

/**
 * Every minute (the crontab's finest grain, so a schedule's time is met within a minute and an
 * event enrolls within about one), the trigger sources of each workspace with an enabled playbook
 * of a polled kind are read after their cursors. A workspace without one is not read at all: its
 * cursors wait, and a playbook made later reads on from them, enrolling only what happened after
 * it was created.
 */
export const playbookTriggersTask: Task<{ workspaceId?: string | undefined }> = {
  name: 'poll-playbook-triggers',
  payload: z.object({ workspaceId: z.string().optional() }).passthrough(),
  singleton: true,
  schedule: '* * * * *',
  maxAttempts: 1,
  async run(payload, { db, now, log }) {
    const poll = async (scope: WorkspaceScope) => {
      try {
        const pass = await pollPlaybookTriggers(scope);
        if (pass.events + pass.healthBandChanges + pass.solvedTickets + pass.scheduledRuns > 0)
          log('info', 'playbook triggers read', { workspaceId: scope.workspaceId, ...pass });
      } catch (error) {
        // One workspace's failure waits for the next minute; the others go on.
        log('warn', 'playbook triggers failed; retrying next minute', { workspaceId: scope.workspaceId, err: error });
      }
    };
    if (payload.workspaceId) await poll(workspaceScope(db, payload.workspaceId, now));
    else
      for (const workspaceId of await listWorkspacesWithPlaybooksOn(db, polledTriggers)) await poll(workspaceScope(db, workspaceId, now));
  },
};
