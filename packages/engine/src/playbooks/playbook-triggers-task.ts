import { z } from 'zod';
import { atOneInstant, forEachWorkspace, workspaceScope, type WorkspaceScope } from '@strata/storage';
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

/**
 * Every minute (the crontab's finest grain, so a schedule's time is met within a minute and an
 * event enrolls within about one), each workspace's trigger sources are read after their cursors.
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
    else await forEachWorkspace(db, now, poll);
  },
};
