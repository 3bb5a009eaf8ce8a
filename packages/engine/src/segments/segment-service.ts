import { sql, type Kysely } from 'kysely';
import { ruleTextOfIr, validateRule, type Diagnostic, type SegmentRule, type Target } from '@strata/core';
import {
  deleteSegment as deleteSegmentRows,
  findSegment,
  insertSegment,
  insertSegmentVersion,
  listSegmentVersions,
  loadFieldSchema,
  resetBackfillFailures,
  unparkSegmentWork,
  updateSegmentLabels,
  type Database,
  type SegmentDefinition,
  forEachWorkspace,
  inWorkspaceTransaction,
  type WorkspaceScope,
} from '@strata/storage';
import { BackfillFailedError, backfillVersion, diffRule, type BackfillProgress } from './backfill.js';
import { predefinedSegments } from './predefined-segments.js';
import { ensureHealthFieldsRegistered } from '../health/index.js';
import { createManualSegment } from './manual-segments.js';

/** What a user may get wrong when defining a segment; the server maps each to a status. */
export type SegmentProblem =
  | { code: 'invalid-rule'; diagnostics: Diagnostic[] }
  | { code: 'key-taken'; key: string }
  | { code: 'not-found'; key: string }
  | { code: 'predefined'; key: string }
  | { code: 'referenced'; key: string; by: string[] }
  /** The rule's first evaluation failed (its SQL raised an error, or ran past the statement timeout); nothing was kept. */
  | { code: 'evaluation-failed'; key: string; error: string }
  /** A rule given to a manual segment, or none to a rule segment. */
  | { code: 'manual-rule'; key: string; manual: boolean };

export type SegmentOutcome<T> = { ok: true; value: T } | { ok: false; problem: SegmentProblem };

export interface SegmentRunOptions {
  onProgress?: (progress: BackfillProgress) => void;
  /** Each backfill statement may run this long; 30 s by default. */
  statementTimeoutMs?: number | undefined;
}

/** The backfill options of a run, without an undefined timeout. */
function backfillOptions(options: SegmentRunOptions) {
  const { statementTimeoutMs, ...rest } = options;
  return statementTimeoutMs === undefined ? rest : { ...rest, statementTimeoutMs };
}

/** Segment keys: lowercase words joined by dashes, as in `trial-ending`. */
export const segmentKeyPattern = /^[a-z0-9][a-z0-9-_]{0,62}$/;

/**
 * Checks a rule given as text or as IR against the workspace. IR is printed and checked again,
 * so stored IR is always what the checker produces, whoever wrote it.
 */
export async function checkSegmentRule(
  scope: WorkspaceScope,
  target: Target,
  rule: string | SegmentRule,
  segmentKey?: string,
): Promise<{ ok: true; rule: SegmentRule; text: string } | { ok: false; diagnostics: Diagnostic[] }> {
  let text: string;
  if (typeof rule === 'string') text = rule;
  else {
    // IR is held to the text's size limit; its size is measured without recursion first.
    const printed = ruleTextOfIr(rule);
    if (!printed.ok) return printed;
    text = printed.text;
  }
  const schema = await loadFieldSchema(scope);
  return validateRule(text, { target, schema, ...(segmentKey ? { segmentKey } : {}) });
}

/**
 * Creates a segment and fills it; answers once its members are in place. Whole or nothing: the
 * segment and its first version are written in one transaction, and if the first backfill
 * fails, both are removed again and the failure is the answer.
 */
export async function createSegment(
  scope: WorkspaceScope,
  input: {
    key: string;
    name: string;
    description?: string;
    target: Target;
    rule?: string | SegmentRule | undefined;
    predefined?: boolean;
    /** Members set by hand: no rule, nothing to fill. */
    manual?: boolean;
  },
  options: SegmentRunOptions,
): Promise<SegmentOutcome<SegmentDefinition>> {
  if (input.manual === true || input.rule === undefined) {
    if (input.manual !== true || input.rule !== undefined)
      return { ok: false, problem: { code: 'manual-rule', key: input.key, manual: input.manual === true } };
    return createManualSegment(scope, { ...input, description: input.description ?? '' });
  }
  const checked = await checkSegmentRule(scope, input.target, input.rule, input.key);
  if (!checked.ok) return { ok: false, problem: { code: 'invalid-rule', diagnostics: checked.diagnostics } };
  const inserted = await insertSegment(scope, {
    key: input.key,
    name: input.name,
    description: input.description ?? '',
    target: input.target,
    predefined: input.predefined ?? false,
    rule: checked.rule,
    text: checked.text,
  });
  if (!inserted) return { ok: false, problem: { code: 'key-taken', key: input.key } };
  try {
    await backfillVersion(scope, input.key, 1, backfillOptions(options));
  } catch (error) {
    if (!(error instanceof BackfillFailedError)) throw error;
    await inWorkspaceTransaction(scope, (tx) => deleteSegmentRows(tx, input.key));
    return { ok: false, problem: { code: 'evaluation-failed', key: input.key, error: error.error } };
  }
  return { ok: true, value: (await findSegment(scope, input.key))! };
}

/** What an edit would do, without doing it. */
export async function previewSegmentEdit(scope: WorkspaceScope, key: string, rule: string | SegmentRule) {
  const segment = await findSegment(scope, key);
  if (!segment) return { ok: false as const, problem: { code: 'not-found' as const, key } };
  if (segment.manual) return { ok: false as const, problem: { code: 'manual-rule' as const, key, manual: true } };
  const checked = await checkSegmentRule(scope, segment.target, rule, key);
  if (!checked.ok) return { ok: false as const, problem: { code: 'invalid-rule' as const, diagnostics: checked.diagnostics } };
  const diff = await diffRule(scope, key, checked.rule);
  return { ok: true as const, value: { text: checked.text, ...diff } };
}

/**
 * Edits a segment. A new rule becomes a new version that is backfilled while the current one
 * keeps serving, then switched to atomically; a building version it replaces is dropped. If the
 * new version's backfill fails, it is dropped too and the failure is the answer: the current
 * version keeps serving, and nothing of the edit is kept.
 */
export async function updateSegment(
  scope: WorkspaceScope,
  key: string,
  edit: { name?: string | undefined; description?: string | undefined; rule?: string | SegmentRule | undefined },
  options: SegmentRunOptions,
): Promise<SegmentOutcome<SegmentDefinition>> {
  const { db, workspaceId } = scope;
  const segment = await findSegment(scope, key);
  if (!segment) return { ok: false, problem: { code: 'not-found', key } };
  if (edit.rule !== undefined && segment.manual) return { ok: false, problem: { code: 'manual-rule', key, manual: true } };
  if (edit.rule !== undefined) {
    const checked = await checkSegmentRule(scope, segment.target, edit.rule, key);
    if (!checked.ok) return { ok: false, problem: { code: 'invalid-rule', diagnostics: checked.diagnostics } };
    const versions = await listSegmentVersions(scope, key);
    const newest = versions[0];
    const active = versions.find((v) => v.state === 'active');
    // An unchanged rule is not a new version, unless a different one is being built.
    if (!active || active.text !== checked.text || newest?.state === 'building') {
      const version = (newest?.version ?? 0) + 1;
      await inWorkspaceTransaction(scope, async (tx) => {
        await tx.db
          .deleteFrom('segment_versions')
          .where('workspace_id', '=', workspaceId)
          .where('segment_key', '=', key)
          .where('state', '=', 'building')
          .execute();
        await insertSegmentVersion(tx, key, version, checked.rule, checked.text);
      });
      try {
        await backfillVersion(scope, key, version, backfillOptions(options));
      } catch (error) {
        if (!(error instanceof BackfillFailedError)) throw error;
        await db
          .deleteFrom('segment_versions')
          .where('workspace_id', '=', workspaceId)
          .where('segment_key', '=', key)
          .where('version', '=', version)
          .where('state', '=', 'building')
          .execute();
        return { ok: false, problem: { code: 'evaluation-failed', key, error: error.error } };
      }
    }
  }
  await updateSegmentLabels(scope, key, { name: edit.name, description: edit.description });
  return { ok: true, value: (await findSegment(scope, key))! };
}

/**
 * Tries a segment's failed work again now: parked live work is queued with a fresh count of
 * attempts, and a building version whose backfill failed is backfilled again at the next upkeep.
 * For failures that have passed (a database that was overloaded); a broken rule needs an edit.
 */
export async function retrySegment(scope: WorkspaceScope, key: string): Promise<SegmentOutcome<{ requeued: number; backfill: boolean }>> {
  const segment = await findSegment(scope, key);
  if (!segment) return { ok: false, problem: { code: 'not-found', key } };
  return inWorkspaceTransaction(scope, async (tx) => ({
    ok: true as const,
    value: { requeued: await unparkSegmentWork(tx, key), backfill: await resetBackfillFailures(tx, key) },
  }));
}

/**
 * Deletes a segment that no other segment refers to; predefined segments stay (edit them instead).
 * `within` runs in the deletion's transaction (the audit entry), so both commit or neither.
 */
export async function deleteSegment(
  scope: WorkspaceScope,
  key: string,
  within?: (tx: WorkspaceScope) => Promise<void>,
): Promise<SegmentOutcome<null>> {
  const segment = await findSegment(scope, key);
  if (!segment) return { ok: false, problem: { code: 'not-found', key } };
  if (segment.predefined) return { ok: false, problem: { code: 'predefined', key } };
  const schema = await loadFieldSchema(scope);
  const by = Object.entries(schema.segments)
    .filter(([other, s]) => other !== key && s.references.includes(key))
    .map(([other]) => other);
  if (by.length > 0) return { ok: false, problem: { code: 'referenced', key, by } };
  await inWorkspaceTransaction(scope, async (tx) => {
    await deleteSegmentRows(tx, key);
    await within?.(tx);
  });
  return { ok: true, value: null };
}

/** Creates the predefined segments a workspace lacks, in dependency order. */
export async function ensurePredefinedSegments(scope: WorkspaceScope, options: SegmentRunOptions): Promise<string[]> {
  // The quadrant segments read a health field; any program that creates them knows it.
  ensureHealthFieldsRegistered();
  const { db, workspaceId } = scope;
  const existing = await db.selectFrom('segments').select('segment_key').where('workspace_id', '=', workspaceId).execute();
  const have = new Set(existing.map((r) => r.segment_key));
  const created: string[] = [];
  for (const predefined of predefinedSegments) {
    if (have.has(predefined.key)) continue;
    const outcome = await createSegment(scope, { ...predefined, predefined: true }, options);
    if (!outcome.ok && outcome.problem.code !== 'key-taken')
      throw new Error(`invariant: predefined segment ${predefined.key}: ${JSON.stringify(outcome.problem)}`);
    if (outcome.ok) created.push(predefined.key);
  }
  return created;
}

/** Workspaces that still lack some predefined segment, asked in each workspace's scope. */
export async function workspacesMissingPredefined(db: Kysely<Database>): Promise<string[]> {
  const missing = await forEachWorkspace(
    db,
    () => new Date(0),
    async (scope) => {
      const row = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM segments WHERE workspace_id = ${scope.workspaceId} AND predefined`.execute(scope.db);
      return (row.rows[0]?.n ?? 0) < predefinedSegments.length ? scope.workspaceId : undefined;
    },
  );
  return missing.filter((id): id is string => id !== undefined);
}
