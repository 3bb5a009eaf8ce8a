import { CronExpressionParser } from 'cron-parser';
import {
  findScheduleTick,
  findSegment,
  inWorkspaceTransaction,
  listAccountPeopleIds,
  listPlaybooks,
  listSegmentMemberIds,
  saveScheduleTick,
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
 * Enrolls, for each schedule playbook whose cron time has come since its last run (or since it
 * was created), everyone in its segment now: people, or each person of the accounts in an account
 * segment, as the filter allows. Ticks missed while nothing ran (downtime) collapse into one run
 * at the latest of them; ticks before the playbook's last save (while it was disabled) never run. The tick is kept per playbook, locked while it runs, so two processes do
 * not run one tick twice. Answers the runs started.
 */
export async function enrollFromSchedules(scope: WorkspaceScope): Promise<number> {
  const playbooks = playbooksOn(await listPlaybooks(scope), 'schedule');
  let started = 0;
  for (const playbook of playbooks) {
    started += await inWorkspaceTransaction(scope, async (tx) => {
      const timezone = await workspaceTimezone(tx);
      // Times before the last save never fire: switching a playbook back on does not run the ticks it slept through.
      const last = (await findScheduleTick(tx, playbook.key)) ?? playbook.createdAt;
      const since = last > playbook.updatedAt ? last : playbook.updatedAt;
      const tick = latestCronTime(playbook.trigger.cron, tx.clock(), timezone);
      if (tick <= since) return 0;
      const segment = await findSegment(tx, playbook.trigger.segment);
      let people: string[] = [];
      if (segment) {
        const members = await listSegmentMemberIds(tx, segment.key);
        if (segment.target === 'person') people = members;
        else for (const accountId of members) people.push(...(await listAccountPeopleIds(tx, accountId)));
      }
      const cause = { trigger: 'schedule', segment: playbook.trigger.segment, cron: playbook.trigger.cron, tick: tick.toISOString() };
      const count = await enrollTriggered(tx, playbook, [...new Set(people)], cause);
      await saveScheduleTick(tx, playbook.key, tick);
      return count;
    });
  }
  return started;
}
