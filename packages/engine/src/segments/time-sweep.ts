import { sql, type Kysely } from 'kysely';
import { calendarBoundaryPassed, isValidTimezone, shiftTime, type CalendarDependency, type TimeLeaf, type TimeOffset } from '@strata/core';
import {
  enqueueSegmentWork,
  findInstantsBetween,
  findLinkedProfiles,
  limitStatementTime,
  type Database,
  type SegmentWork,
  inWorkspaceTransaction,
  workspaceScope,
  type WorkspaceScope,
} from '@strata/storage';
import { defaultWorkStatementTimeoutMs } from './live-worker.js';
import { loadLiveSegments, onlySegmentTopic, type LiveSegment } from './live-segments.js';
import { recomputeSegment } from './backfill.js';

/**
 * Moves segments along with time when no data arrives: a window that lets an old login go, a
 * trial end date coming within three days. For each segment it finds, by index, only the
 * profiles holding an instant that crossed a boundary since the last sweep, and queues them
 * for live evaluation. Each workspace is swept by one process at a time.
 *
 * Returns how many profiles were queued.
 */
export async function sweepTime(
  db: Kysely<Database>,
  now: Date,
  options: { statementTimeoutMs?: number; onError?: (error: unknown, workspaceId: string) => void } = {},
): Promise<{ queued: number; recomputed: string[] }> {
  const workspaces = await db.selectFrom('workspaces').select(['workspace_id', 'timezone']).execute();
  let queued = 0;
  const recomputed: string[] = [];
  const zones = new KnownZones(db);
  for (const { workspace_id: workspaceId, timezone } of workspaces) {
    // One workspace whose sweep fails (a rule that errors or times out) never stops the others' sweeps.
    try {
      const calendar = { workspace: isValidTimezone(timezone) ? timezone : 'UTC', zones };
      queued += await sweepWorkspace(
        db,
        workspaceId,
        now,
        options.statementTimeoutMs ?? defaultWorkStatementTimeoutMs,
        recomputed,
        calendar,
      );
    } catch (error) {
      if (!options.onError) throw error;
      options.onError(error, workspaceId);
    }
  }
  return { queued, recomputed };
}

async function sweepWorkspace(
  db: Kysely<Database>,
  workspaceId: string,
  now: Date,
  timeoutMs: number,
  recomputed: string[],
  calendar: { workspace: string; zones: KnownZones },
): Promise<number> {
  let queued = 0;
  // The sweep's scope: its clock stays at the sweep's instant.
  const scope = workspaceScope(db, workspaceId, () => now);
  const whole = await inWorkspaceTransaction(scope, async (txScope) => {
    const tx = txScope.db;
    await limitStatementTime(tx, timeoutMs);
    await sql`INSERT INTO segment_sweeps (workspace_id, swept_until) VALUES (${workspaceId}, ${now}) ON CONFLICT DO NOTHING`.execute(tx);
    const row = await sql<{ swept_until: Date }>`
        SELECT swept_until FROM segment_sweeps WHERE workspace_id = ${workspaceId} FOR UPDATE SKIP LOCKED`.execute(tx);
    const from = row.rows[0]?.swept_until;
    if (!from || from >= now) return [];
    const segments = await loadLiveSegments(txScope);
    const work: SegmentWork[] = [];
    for (const segment of segments) {
      if (segment.dependencies.sweepWhole) continue;
      for (const profileId of await crossingProfiles(txScope, segment, from, now))
        work.push({ target: segment.target, profileId, topics: [onlySegmentTopic(segment.key)], cause: { kind: 'time' } });
    }
    await enqueueSegmentWork(txScope, work);
    queued += work.length;
    await sql`UPDATE segment_sweeps SET swept_until = ${now} WHERE workspace_id = ${workspaceId}`.execute(tx);
    const wholes: LiveSegment[] = [];
    for (const segment of segments) {
      if (segment.state !== 'active') continue;
      if (segment.dependencies.sweepWhole) wholes.push(segment);
      else if (await calendarBoundaryPassedFor(segment.dependencies.calendar, calendar, from, now)) wholes.push(segment);
    }
    return wholes;
  });
  // Rules whose time dependence no index bounds are re-evaluated whole, outside the sweep's transaction;
  // one that fails does not keep the others from it.
  let failure: { error: unknown } | undefined;
  for (const segment of whole) {
    try {
      await recomputeSegment(scope, segment.key, 'time', timeoutMs);
      recomputed.push(segment.key);
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
  return queued;
}

/**
 * Did a boundary of one of a rule's calendar windows pass in `(from, to]`: in the workspace's
 * timezone, or for `in customer timezone` in any timezone a profile may have? Calendar windows
 * change only then, so the segment is recomputed whole then, and never in between. Boundaries are
 * local midnights, so across a DST change a day is 23 or 25 hours and this follows it.
 */
async function calendarBoundaryPassedFor(
  dependencies: readonly CalendarDependency[],
  calendar: { workspace: string; zones: KnownZones },
  from: Date,
  to: Date,
): Promise<boolean> {
  for (const { unit, zone } of dependencies) {
    const zones = zone === 'workspace' ? [calendar.workspace] : [calendar.workspace, ...(await calendar.zones.list())];
    if (zones.some((z) => calendarBoundaryPassed(unit, z, from.getTime(), to.getTime()))) return true;
  }
  return false;
}

/** The timezones PostgreSQL accepts (migration 0008), read once per sweep and only if a rule needs them. */
class KnownZones {
  private names: Promise<string[]> | undefined;
  constructor(private readonly db: Kysely<Database>) {}
  list(): Promise<string[]> {
    this.names ??= sql<{ name: string }>`SELECT name FROM strata_timezones`.execute(this.db).then((r) => r.rows.map((row) => row.name));
    return this.names;
  }
}

/** Profiles of the segment's target for whom one of its time leaves crossed a boundary in `(from, to]`. */
async function crossingProfiles(scope: WorkspaceScope, segment: LiveSegment, from: Date, to: Date): Promise<Set<string>> {
  const found = new Set<string>();
  for (const leaf of segment.dependencies.timeLeaves) {
    const ids = new Set<string>();
    for (const offset of leaf.offsets) {
      const [low, high] = instantRange(offset, from, to);
      for (const id of await findInstantsBetween(scope, leaf, low, high, offset.sign === 0)) ids.add(id);
    }
    for (const id of await toTarget(scope, leaf, segment.target, [...ids])) found.add(id);
  }
  return found;
}

/**
 * Instants `v` whose boundary `v + offset` passed in `(from, to]`. Months are calendar months,
 * not a fixed length, so their range is widened by three days: a profile looked at needlessly
 * costs a query, a missed one a wrong membership.
 */
export function instantRange(offset: TimeOffset, from: Date, to: Date): [Date, Date] {
  const back = (t: Date) =>
    offset.sign === 0 ? t.getTime() : shiftTime(t.getTime(), offset.amount, offset.unit, offset.sign === 1 ? -1 : 1);
  const widen = offset.unit === 'months' && offset.sign !== 0 ? 3 * 86_400_000 : 0;
  // One millisecond earlier: a boundary reached exactly at the last sweep (windows include their ends) flips just after it.
  return [new Date(back(from) - widen - 1), new Date(back(to) + widen)];
}

async function toTarget(scope: WorkspaceScope, leaf: TimeLeaf, target: LiveSegment['target'], ids: string[]): Promise<string[]> {
  if (leaf.level === target || ids.length === 0) return ids;
  const links = await findLinkedProfiles(scope, leaf.level, ids);
  return [...new Set(links.map((l) => l.to))];
}

/** Runs `sweepTime` every `intervalMs` until stopped. */
export class TimeSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly options: {
      db: Kysely<Database>;
      now: () => Date;
      intervalMs: number;
      statementTimeoutMs?: number;
      onSwept?: (result: { queued: number; recomputed: string[]; at: Date }) => void;
      onError?: (error: unknown) => void;
    },
  ) {}

  start(): void {
    const tick = () => {
      const at = this.options.now();
      this.running = sweepTime(this.options.db, at, {
        ...(this.options.statementTimeoutMs !== undefined ? { statementTimeoutMs: this.options.statementTimeoutMs } : {}),
        onError: (error) => this.options.onError?.(error),
      })
        .then((result) => this.options.onSwept?.({ ...result, at }))
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
