import { sql, type Kysely } from 'kysely';
import type { SegmentRule, Target } from '@strata/core';
import type { Database, SegmentVersionState } from '../schema.js';
import { workRetryPolicy } from './work-failure.js';
import { forEachWorkspace, type WorkspaceScope } from '../workspace-scope.js';

/** A segment as users see it: its definition and the version that fills its members. */
export interface SegmentDefinition {
  key: string;
  name: string;
  description: string;
  target: Target;
  predefined: boolean;
  /** Members are set by hand (the API, playbook steps); its stored rule is never evaluated. */
  manual: boolean;
  activeVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One rule a segment has had. */
export interface SegmentVersion {
  key: string;
  version: number;
  target: Target;
  rule: SegmentRule;
  text: string;
  state: SegmentVersionState;
  backfillTotal: number;
  backfillDone: number;
  backfillCursor: string | null;
  lastFullEvaluationAt: Date | null;
  createdAt: Date;
  activatedAt: Date | null;
  /** Failed attempts of this version's backfill, and the last failure, without user data. */
  backfillAttempts: number;
  backfillLastError: string | null;
  backfillLastErrorAt: Date | null;
  /** When a failed backfill is tried again; null when it has not failed, or when it is parked after its last attempt. */
  backfillNextAttemptAt: Date | null;
}

function toDefinition(row: {
  segment_key: string;
  name: string;
  description: string;
  target: Target;
  predefined: boolean;
  manual: boolean;
  active_version: number | null;
  created_at: Date;
  updated_at: Date;
}): SegmentDefinition {
  return {
    key: row.segment_key,
    name: row.name,
    description: row.description,
    target: row.target,
    predefined: row.predefined,
    manual: row.manual,
    activeVersion: row.active_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const versionColumns = [
  'v.segment_key',
  'v.version',
  's.target',
  'v.rule',
  'v.rule_text',
  'v.state',
  'v.backfill_total',
  'v.backfill_done',
  'v.backfill_cursor',
  'v.last_full_evaluation_at',
  'v.created_at',
  'v.activated_at',
  'v.backfill_attempts',
  'v.backfill_last_error',
  'v.backfill_last_error_at',
  'v.backfill_next_attempt_at',
] as const;

function toVersion(row: {
  segment_key: string;
  version: number;
  target: Target;
  rule: unknown;
  rule_text: string;
  state: SegmentVersionState;
  backfill_total: number;
  backfill_done: number;
  backfill_cursor: string | null;
  last_full_evaluation_at: Date | null;
  created_at: Date;
  activated_at: Date | null;
  backfill_attempts: number;
  backfill_last_error: string | null;
  backfill_last_error_at: Date | null;
  backfill_next_attempt_at: Date | null;
}): SegmentVersion {
  return {
    key: row.segment_key,
    version: row.version,
    target: row.target,
    rule: row.rule as SegmentRule,
    text: row.rule_text,
    state: row.state,
    backfillTotal: row.backfill_total,
    backfillDone: row.backfill_done,
    backfillCursor: row.backfill_cursor,
    lastFullEvaluationAt: row.last_full_evaluation_at,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
    backfillAttempts: row.backfill_attempts,
    backfillLastError: row.backfill_last_error,
    backfillLastErrorAt: row.backfill_last_error_at,
    backfillNextAttemptAt: row.backfill_next_attempt_at,
  };
}

export async function listSegments(scope: WorkspaceScope): Promise<SegmentDefinition[]> {
  const { db, workspaceId } = scope;
  const rows = await db.selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId).orderBy('segment_key').execute();
  return rows.map(toDefinition);
}

export async function findSegment(scope: WorkspaceScope, key: string): Promise<SegmentDefinition | undefined> {
  const { db, workspaceId } = scope;
  const row = await db
    .selectFrom('segments')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .executeTakeFirst();
  return row && toDefinition(row);
}

/** Inserts a segment with its first version, `building`, in one transaction; false when the key is taken. */
export async function insertSegment(
  scope: WorkspaceScope,
  segment: {
    key: string;
    name: string;
    description: string;
    target: Target;
    predefined: boolean;
    manual?: boolean;
    rule: SegmentRule;
    text: string;
  },
): Promise<boolean> {
  const { db, workspaceId } = scope;
  // Never a segment without a version: readers take every segment to have one.
  if (!db.isTransaction) return db.transaction().execute((tx) => insertSegment({ ...scope, db: tx }, segment));
  const inserted = await db
    .insertInto('segments')
    .values({
      workspace_id: workspaceId,
      segment_key: segment.key,
      name: segment.name,
      description: segment.description,
      target: segment.target,
      predefined: segment.predefined,
      manual: segment.manual ?? false,
      active_version: null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('segment_key')
    .executeTakeFirst();
  if (!inserted) return false;
  await insertSegmentVersion(scope, segment.key, 1, segment.rule, segment.text);
  return true;
}

export async function insertSegmentVersion(
  scope: WorkspaceScope,
  key: string,
  version: number,
  rule: SegmentRule,
  text: string,
): Promise<void> {
  const { db, workspaceId } = scope;
  await db
    .insertInto('segment_versions')
    .values({ workspace_id: workspaceId, segment_key: key, version, rule: JSON.stringify(rule), rule_text: text, state: 'building' })
    .execute();
}

export async function updateSegmentLabels(
  scope: WorkspaceScope,
  key: string,
  labels: { name?: string | undefined; description?: string | undefined },
): Promise<void> {
  const { db, workspaceId } = scope;
  await db
    .updateTable('segments')
    .set({
      ...(labels.name !== undefined ? { name: labels.name } : {}),
      ...(labels.description !== undefined ? { description: labels.description } : {}),
      updated_at: sql`now()`,
    })
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .execute();
}

export async function deleteSegment(scope: WorkspaceScope, key: string): Promise<void> {
  const { db, workspaceId } = scope;
  await db.deleteFrom('segment_members').where('workspace_id', '=', workspaceId).where('segment_key', '=', key).execute();
  await db.deleteFrom('segments').where('workspace_id', '=', workspaceId).where('segment_key', '=', key).execute();
}

/** Versions of one segment, newest first. */
export async function listSegmentVersions(scope: WorkspaceScope, key: string): Promise<SegmentVersion[]> {
  const { db, workspaceId } = scope;
  const rows = await db
    .selectFrom('segment_versions as v')
    .innerJoin('segments as s', (j) => j.onRef('s.workspace_id', '=', 'v.workspace_id').onRef('s.segment_key', '=', 'v.segment_key'))
    .select(versionColumns)
    .where('v.workspace_id', '=', workspaceId)
    .where('v.segment_key', '=', key)
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map(toVersion);
}

/**
 * The versions that live evaluation keeps current: every active one and every building one, of
 * rule segments. Manual segments are not among them, so no live change, time sweep or recompute
 * ever decides their members.
 */
export async function listLiveVersions(scope: WorkspaceScope): Promise<SegmentVersion[]> {
  const { db, workspaceId } = scope;
  const rows = await db
    .selectFrom('segment_versions as v')
    .innerJoin('segments as s', (j) => j.onRef('s.workspace_id', '=', 'v.workspace_id').onRef('s.segment_key', '=', 'v.segment_key'))
    .select(versionColumns)
    .where('v.workspace_id', '=', workspaceId)
    .where('s.manual', '=', false)
    .where('v.state', 'in', ['active', 'building'])
    .orderBy('v.segment_key')
    .orderBy('v.version')
    .execute();
  return rows.map(toVersion);
}

/** Building versions in every workspace whose backfill may run at `now`: backfills to start, resume or retry (each workspace read in its scope). */
export async function listBuildingVersions(
  db: Kysely<Database>,
  now: Date,
): Promise<Array<{ workspaceId: string; key: string; version: number }>> {
  const each = await forEachWorkspace(
    db,
    () => now,
    ({ db: scoped, workspaceId }) =>
      scoped
        .selectFrom('segment_versions')
        .select(['workspace_id', 'segment_key', 'version', 'created_at'])
        .where('workspace_id', '=', workspaceId)
        .where('state', '=', 'building')
        .where((eb) => eb.or([eb('backfill_next_attempt_at', 'is', null), eb('backfill_next_attempt_at', '<=', now)]))
        .where('backfill_attempts', '<', workRetryPolicy.maxAttempts)
        .execute(),
  );
  return each
    .flat()
    .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
    .map((r) => ({ workspaceId: r.workspace_id, key: r.segment_key, version: r.version }));
}

export async function recordBackfillProgress(
  scope: WorkspaceScope,
  key: string,
  version: number,
  progress: { total?: number; done: number; cursor: string | null },
): Promise<void> {
  const { db, workspaceId } = scope;
  await db
    .updateTable('segment_versions')
    .set({
      ...(progress.total !== undefined ? { backfill_total: progress.total } : {}),
      backfill_done: progress.done,
      backfill_cursor: progress.cursor,
    })
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .where('version', '=', version)
    .execute();
}

/**
 * Records that a version's backfill failed: it is tried again at `retryAt`, or never (`null`:
 * parked after its last attempt, until the rule is edited).
 */
export async function recordBackfillFailure(
  scope: WorkspaceScope,
  key: string,
  version: number,
  failure: { error: string; at: Date; retryAt: (attempts: number) => Date | null },
): Promise<number> {
  const { db, workspaceId } = scope;
  const row = await db
    .updateTable('segment_versions')
    .set((eb) => ({
      backfill_attempts: eb('backfill_attempts', '+', 1),
      backfill_last_error: failure.error,
      backfill_last_error_at: failure.at,
    }))
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .where('version', '=', version)
    .returning('backfill_attempts')
    .executeTakeFirst();
  if (!row) return 0;
  const retryAt = failure.retryAt(row.backfill_attempts);
  await db
    .updateTable('segment_versions')
    .set({ backfill_next_attempt_at: retryAt })
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .where('version', '=', version)
    .execute();
  return row.backfill_attempts;
}

/** Gives a segment's building version a fresh count of backfill attempts; true when there is one. */
export async function resetBackfillFailures(scope: WorkspaceScope, key: string): Promise<boolean> {
  const { db, workspaceId } = scope;
  const rows = await db
    .updateTable('segment_versions')
    .set({ backfill_attempts: 0, backfill_next_attempt_at: null })
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .where('state', '=', 'building')
    .where('backfill_attempts', '>', 0)
    .executeTakeFirst();
  return Number(rows.numUpdatedRows) > 0;
}

/** Makes `version` the one that serves, retiring the previous one. */
export async function activateVersion(scope: WorkspaceScope, key: string, version: number, at: Date): Promise<void> {
  const { db, workspaceId } = scope;
  await db
    .updateTable('segment_versions')
    .set({ state: 'retired' })
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .where('state', '=', 'active')
    .execute();
  await db
    .updateTable('segment_versions')
    .set({ state: 'active', activated_at: at, last_full_evaluation_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .where('version', '=', version)
    .execute();
  await db
    .updateTable('segments')
    .set({ active_version: version, updated_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .execute();
  await db.deleteFrom('segment_staging').where('workspace_id', '=', workspaceId).where('segment_key', '=', key).execute();
  // The time sweep starts from the first activation: a later sweep finds what crossed since.
  await sql`INSERT INTO segment_sweeps (workspace_id, swept_until) VALUES (${workspaceId}, ${at}) ON CONFLICT DO NOTHING`.execute(db);
}

export async function recordFullEvaluation(scope: WorkspaceScope, key: string, version: number, at: Date): Promise<void> {
  const { db, workspaceId } = scope;
  await db
    .updateTable('segment_versions')
    .set({ last_full_evaluation_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .where('version', '=', version)
    .execute();
}

/**
 * Records a building version's verdicts. Live evaluation overwrites (it is newer); a backfill
 * chunk keeps what live evaluation wrote, since its snapshot may be older.
 */
export async function stageVerdicts(
  scope: WorkspaceScope,
  key: string,
  version: number,
  verdicts: ReadonlyArray<{ memberId: string; isMember: boolean }>,
  mode: 'overwrite' | 'keep',
): Promise<void> {
  const { db, workspaceId } = scope;
  if (verdicts.length === 0) return;
  await sql`
    INSERT INTO segment_staging (workspace_id, segment_key, version, member_id, is_member)
    SELECT ${workspaceId}::uuid, ${key}, ${version}::int, v.member_id, v.is_member
    FROM unnest(${verdicts.map((v) => v.memberId)}::uuid[], ${verdicts.map((v) => v.isMember)}::boolean[]) AS v(member_id, is_member)
    ON CONFLICT (workspace_id, segment_key, version, member_id) DO ${mode === 'overwrite' ? sql`UPDATE SET is_member = EXCLUDED.is_member` : sql`NOTHING`}`.execute(
    db,
  );
}

/** What switching to a staged version changes: who enters and who leaves. */
export async function diffStaging(scope: WorkspaceScope, key: string, version: number): Promise<{ enters: string[]; exits: string[] }> {
  const { db, workspaceId } = scope;
  const enters = await sql<{ id: string }>`
    SELECT s.member_id AS id FROM segment_staging s
    WHERE s.workspace_id = ${workspaceId} AND s.segment_key = ${key} AND s.version = ${version} AND s.is_member
      AND NOT EXISTS (SELECT 1 FROM segment_members m WHERE m.workspace_id = s.workspace_id AND m.segment_key = s.segment_key AND m.member_id = s.member_id)`.execute(
    db,
  );
  const exits = await sql<{ id: string }>`
    SELECT m.member_id AS id FROM segment_members m
    WHERE m.workspace_id = ${workspaceId} AND m.segment_key = ${key}
      AND NOT EXISTS (SELECT 1 FROM segment_staging s WHERE s.workspace_id = m.workspace_id AND s.segment_key = m.segment_key
        AND s.version = ${version} AND s.member_id = m.member_id AND s.is_member)`.execute(db);
  return { enters: enters.rows.map((r) => r.id), exits: exits.rows.map((r) => r.id) };
}
