import type { EventPropertyValue } from '@strata/core';
import {
  advanceCursor,
  inWorkspaceTransaction,
  listPlaybooks,
  lockCursor,
  readTrackedEventsAfter,
  takeEventHorizon,
  type TriggeringEvent,
  type WorkspaceScope,
} from '@strata/storage';
import { enrollTriggered, playbooksOn } from './trigger-enrolment.js';

/** The cursor's name in `change_cursors`: never rename it. */
export const eventCursor = 'playbook-events';
const batchSize = 500;

/**
 * Enrolls the people whose tracked events an `event` trigger names, reading the events stored
 * after this reader's cursor (never in the ingest transaction, which this leaves alone). Each
 * batch's enrolments commit with the cursor's move, so a crash repeats a batch, and `enrollPerson`
 * enrolls nobody twice. Answers the events read.
 */
export async function enrollFromEvents(scope: WorkspaceScope): Promise<number> {
  let read = 0;
  for (;;) {
    const batch = await inWorkspaceTransaction(scope, async (tx) => {
      const cursor = await lockCursor(tx, eventCursor);
      if (!cursor) return 0;
      // The horizon first, then the playbooks: every event below the horizon committed before the
      // listing started, so a playbook the listing misses (committed after it) was saved after
      // each of those events, and they rightly do not enroll in it. Listed first, a playbook
      // committing between the listing and the horizon would miss the events that committed
      // after it and before the horizon: the cursor moves past them without it.
      const horizon = await takeEventHorizon(tx);
      const playbooks = playbooksOn(await listPlaybooks(tx), 'event');
      const names = [...new Set(playbooks.map((p) => p.trigger.event))];
      const { events, next } = await readTrackedEventsAfter(tx, cursor, horizon, names, batchSize);
      for (const event of events)
        for (const playbook of playbooks)
          if (event.name === playbook.trigger.event && event.receivedAt >= playbook.createdAt && matches(event, playbook.trigger.where))
            await enrollTriggered(tx, playbook, [event.personId], {
              trigger: 'event',
              eventId: event.eventId,
              event: { name: event.name, properties: event.properties, timestamp: event.timestamp.toISOString() },
            });
      await advanceCursor(tx, eventCursor, next, events.length);
      return events.length;
    });
    read += batch;
    if (batch < batchSize) return read;
  }
}

/** Whether each `where` entry equals the event's property at its path (`a.b` walks into objects). */
function matches(event: TriggeringEvent, where: Record<string, EventPropertyValue> | undefined): boolean {
  if (!where) return true;
  return Object.entries(where).every(([path, expected]) => {
    let value: unknown = event.properties;
    for (const step of path.split('.')) value = isObject(value) ? value[step] : undefined;
    return value === expected || (expected === null && value === undefined);
  });
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
