import type { AccountRecord, PersonRecord } from '@strata/core';
import { loadAccountRecord, saveHealthDays, type HealthDay, type WorkspaceScope } from '@strata/storage';
import { scoreAccount, utcDay, workspaceTimezone } from './compute-health.js';
import type { WorkspaceHealthModel } from './health-models.js';

const dayMs = 86_400_000;

/**
 * The record as it stood at an instant: events, tickets and surveys after it removed. Traits are
 * kept as they are now (Strata keeps no history of trait values), so a past score reads today's
 * seats and MRR: docs/health.md says so.
 */
export function recordAsOf(record: AccountRecord, at: number): AccountRecord {
  const person = (p: PersonRecord): PersonRecord => ({
    ...p,
    events: p.events.filter((e) => e.at <= at),
    tickets: p.tickets.filter((t) => t.at <= at),
    surveys: p.surveys.filter((s) => s.at <= at),
  });
  return {
    ...record,
    people: record.people.map(person),
    events: record.events.filter((e) => e.at <= at),
    tickets: record.tickets.filter((t) => t.at <= at),
    surveys: record.surveys.filter((s) => s.at <= at),
  };
}

/**
 * Recomputes one account's daily history under a model for the `days` days up to today: each day
 * scored at its end (today at now) from the data of then. Manual values count as they are now.
 */
export async function recomputeAccountHistory(
  scope: WorkspaceScope,
  model: WorkspaceHealthModel,
  accountId: string,
  days: number,
  manual: ReadonlyMap<string, number> = new Map(),
): Promise<HealthDay[]> {
  const now = scope.clock();
  const record = await loadAccountRecord(scope, accountId);
  if (!record) return [];
  const timezone = await workspaceTimezone(scope);
  const today = Date.parse(`${utcDay(now)}T00:00:00Z`);
  const history: HealthDay[] = [];
  for (let back = days - 1; back >= 0; back--) {
    const dayStart = today - back * dayMs;
    const at = back === 0 ? now.getTime() : dayStart + dayMs - 1;
    const scored = scoreAccount(model, recordAsOf(record, at), new Date(at), timezone, manual);
    history.push({ modelKey: model.key, accountId, day: utcDay(new Date(dayStart)), score: scored.score, band: scored.band });
  }
  await saveHealthDays(scope, history);
  return history;
}
