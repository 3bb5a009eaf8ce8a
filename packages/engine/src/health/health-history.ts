import type { AccountRecord, PersonRecord, Profile } from '@strata/core';
import { saveHealthDays, type HealthDay, type WorkspaceScope } from '@strata/storage';
import { loadHealthRecords, scoreProfile, utcDay, workspaceTimezone } from './compute-health.js';
import type { WorkspaceHealthModel } from './health-models.js';

const dayMs = 86_400_000;

/** A person as they stood at an instant: events, tickets and surveys after it removed (traits kept, as for accounts). */
export function personAsOf(person: PersonRecord, at: number): PersonRecord {
  return {
    ...person,
    events: person.events.filter((e) => e.at <= at),
    tickets: person.tickets.filter((t) => t.at <= at),
    surveys: person.surveys.filter((s) => s.at <= at),
  };
}

/**
 * The record as it stood at an instant: events, tickets and surveys after it removed. Traits are
 * kept as they are now (Strata keeps no history of trait values), so a past score reads today's
 * seats and MRR: docs/health.md says so.
 */
export function recordAsOf(record: AccountRecord, at: number): AccountRecord {
  return {
    ...record,
    people: record.people.map((p) => personAsOf(p, at)),
    events: record.events.filter((e) => e.at <= at),
    tickets: record.tickets.filter((t) => t.at <= at),
    surveys: record.surveys.filter((s) => s.at <= at),
  };
}

const profileAsOf = (profile: Profile, at: number): Profile =>
  profile.target === 'account'
    ? { target: 'account', record: recordAsOf(profile.record, at) }
    : { target: 'person', record: personAsOf(profile.record, at) };

/**
 * Recomputes one profile's daily history under a model (an account's or a person's, as its target
 * says) for the `days` days up to today: each day scored at its end (today at now) from the data
 * of then. Manual values count as they are now.
 */
export async function recomputeProfileHistory(
  scope: WorkspaceScope,
  model: WorkspaceHealthModel,
  profileId: string,
  days: number,
  manual: ReadonlyMap<string, number> = new Map(),
): Promise<HealthDay[]> {
  const now = scope.clock();
  const profile = (await loadHealthRecords(scope, model.target, [profileId])).get(profileId);
  if (!profile) return [];
  const timezone = await workspaceTimezone(scope);
  const today = Date.parse(`${utcDay(now)}T00:00:00Z`);
  const history: HealthDay[] = [];
  for (let back = days - 1; back >= 0; back--) {
    const dayStart = today - back * dayMs;
    const at = back === 0 ? now.getTime() : dayStart + dayMs - 1;
    const scored = scoreProfile(model, profileAsOf(profile, at), new Date(at), timezone, manual);
    history.push({ modelKey: model.key, profileId, day: utcDay(new Date(dayStart)), score: scored.score, band: scored.band });
  }
  await saveHealthDays(scope, model.target, history);
  return history;
}
