import { CronExpressionParser } from 'cron-parser';
import {
  findScheduleTick,
  findSegment,
  inWorkspaceTransaction,
  listPlaybooks,
  listScheduledPeopleIds,
  saveScheduleTick,
  type StoredPlaybook,
  type WorkspaceScope,
} from '@strata/storage';
import { workspaceTimezone } from '../health/index.js';
import { enrollTriggered, playbooksOn } from './trigger-enrolment.js';

/**
 * The problem with a schedule trigger's cron, or undefined when it is one: five fields (minute,
 * hour, day of month, month, day of week), read in the workspace's timezone.
 */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5)
    return `"${cron}" has ${fields.length} fields; give five: minute hour day-of-month month day-of-week, such as "0 9 * * 1" (Mondays 09:00)`;
  try {
    CronExpressionParser.parse(cron, { strict: false });
    return undefined;
  } catch (error) {
    return `"${cron}" is not a valid cron: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The last time the cron named at or before `now`, in the zone. */
export function latestCronTime(cron: string, now: Date, timezone: string): Date {
  // prev() answers times strictly before its start: start a millisecond after now so `now` itself counts.
  return CronExpressionParser.parse(cron, { currentDate: new Date(now.getTime() + 1), tz: timezone })
    .prev()
    .toDate();
}

/**
 * People enrolled per transaction. A schedule over a large segment commits in chunks of this
 * many, so no transaction holds a whole segment's enrolments (and its locks) open at once.
 */
export const scheduleChunkSize = 1_000;

/**
 * Enrolls, for each schedule playbook whose cron time has come since its last run (or since it
 * was created), everyone in its segment now: people, or each person of the accounts in an account
 * segment, as the filter allows. Ticks missed while nothing ran (downtime) collapse into one run
 * at the latest of them; ticks before the playbook's last save (while it was disabled) never run.
 * Answers the runs started.
 */
export async function enrollFromSchedules(scope: WorkspaceScope, chunkSize = scheduleChunkSize): Promise<number> {
  const playbooks = playbooksOn(await listPlaybooks(scope), 'schedule');
  let started = 0;
  for (const playbook of playbooks) started += await enrollScheduleTicks(scope, playbook, chunkSize);
  return started;
}

type SchedulePlaybook = StoredPlaybook & { trigger: Extract<StoredPlaybook['trigger'], { on: 'schedule' }> };

/**
 * Enrolls a playbook's due tick a chunk at a time, in person id order, each chunk in a transaction
 * of its own that records how far it got (the tick row, locked while a chunk runs, so two
 * processes do not enroll one chunk twice). A crash between chunks leaves the tick running: the
 * next run goes on after the last person enrolled, so the rest are enrolled and nobody twice.
 */
async function enrollScheduleTicks(scope: WorkspaceScope, playbook: SchedulePlaybook, chunkSize: number): Promise<number> {
  let started = 0;
  for (;;) {
    const chunk = await inWorkspaceTransaction(scope, async (tx) => {
      const saved = await findScheduleTick(tx, playbook.key);
      // A tick begun before the playbook's last save is dropped, as its ticks before the save never fire.
      let running: { tickAt: Date; after: string | null } | null =
        saved?.running && saved.running.tickAt > playbook.updatedAt ? saved.running : null;
      // Times before the last save never fire: switching a playbook back on does not run the ticks it slept through.
      const last = saved?.lastTickAt ?? playbook.createdAt;
      const since = last > playbook.updatedAt ? last : playbook.updatedAt;
      if (!running) {
        const due = latestCronTime(playbook.trigger.cron, tx.clock(), await workspaceTimezone(tx));
        if (due <= since) return undefined;
        running = { tickAt: due, after: null };
      }
      const segment = await findSegment(tx, playbook.trigger.segment);
      const people = segment ? await listScheduledPeopleIds(tx, segment, running.after, chunkSize) : [];
      const { tickAt } = running;
      const cause = { trigger: 'schedule', segment: playbook.trigger.segment, cron: playbook.trigger.cron, tick: tickAt.toISOString() };
      const count = await enrollTriggered(tx, playbook, people, cause);
      const lastPerson = people.length === chunkSize ? people[people.length - 1] : undefined;
      await saveScheduleTick(
        tx,
        playbook.key,
        lastPerson === undefined ? { lastTickAt: tickAt, running: null } : { lastTickAt: since, running: { tickAt, after: lastPerson } },
      );
      return count;
    });
    // After a tick's last chunk the loop looks once more: a tick resumed after a crash may have a later one due.
    if (chunk === undefined) return started;
    started += chunk;
  }
}
