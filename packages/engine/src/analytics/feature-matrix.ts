import { sql } from 'kysely';
import { explainRule, validateRule, type AccountRecord, type FieldSchema, type PersonRecord, type Target } from '@strata/core';
import { loadAccountRecords, loadFieldSchema, loadPersonRecords, type WorkspaceScope } from '@strata/storage';
import { categoricalTraits, categoryFeature, numericFeatures, type SuggestionFeature } from './suggestion-features.js';

/** The most profiles one request clusters: a deterministic sample of the target above it (docs/suggestions.md). */
export const maxSampledProfiles = 2000;
/** The most values of one categorical trait that become 0/1 features. */
const maxCategoryValues = 5;
/** Records load in batches of this many, as health scoring does. */
const batchSize = 100;
const day = 86_400_000;

export type FeatureChoice = { ok: true; features: SuggestionFeature[] } | { ok: false; unknown: string[]; known: string[] };

/**
 * The features a workspace can compute for a target: the numeric ones whose expression checks
 * against its fields (no `mrr` before any account sent one), and its categorical traits' most
 * common values. `requested` picks among them by key; keys not offered are reported, not dropped.
 */
export async function chooseFeatures(scope: WorkspaceScope, target: Target, requested?: readonly string[]): Promise<FeatureChoice> {
  const schema = await loadFieldSchema(scope);
  const offered = [...numericFeatures(target), ...(await categoryFeatures(scope, target))].filter((f) => checks(f, target, schema));
  if (!requested) return { ok: true, features: offered };
  const byKey = new Map(offered.map((f) => [f.key, f]));
  const unknown = requested.filter((key) => !byKey.has(key));
  if (unknown.length > 0) return { ok: false, unknown, known: [...byKey.keys()] };
  return { ok: true, features: [...new Set(requested)].map((key) => byKey.get(key)!) };
}

function checks(feature: SuggestionFeature, target: Target, schema: FieldSchema): boolean {
  return validateRule(presenceText(feature), { target, schema }).ok;
}

/** `EXPRESSION is set`: a condition whose explanation carries the expression's value. */
function presenceText(feature: SuggestionFeature): string {
  return `${feature.expression} is set`;
}

async function categoryFeatures(scope: WorkspaceScope, target: Target): Promise<SuggestionFeature[]> {
  const table = target === 'person' ? sql.table('people') : sql.table('accounts');
  const features: SuggestionFeature[] = [];
  for (const trait of categoricalTraits[target]) {
    const rows = await sql<{ value: string }>`
      SELECT traits ->> ${trait} AS value FROM ${table}
      WHERE workspace_id = ${scope.workspaceId} AND jsonb_typeof(traits -> ${trait}) = 'string'
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${maxCategoryValues}`.execute(scope.db);
    features.push(...rows.rows.map((r) => categoryFeature(trait, r.value)));
  }
  return features;
}

/**
 * Up to `limit` profile ids of a target, the same ones for the same seed and data: ordered by a
 * hash of the id and the seed, so a different seed samples differently but no order of rows does.
 */
export async function sampleProfileIds(scope: WorkspaceScope, target: Target, limit: number, seed: number): Promise<string[]> {
  const [table, id] = target === 'person' ? [sql.table('people'), sql.ref('person_id')] : [sql.table('accounts'), sql.ref('account_id')];
  const rows = await sql<{ id: string }>`
    SELECT ${id} AS id FROM ${table} WHERE workspace_id = ${scope.workspaceId}
    ORDER BY md5(${id}::text || ${String(seed)}), ${id} LIMIT ${limit}`.execute(scope.db);
  return rows.rows.map((r) => r.id);
}

export type ProfileRecord = PersonRecord | AccountRecord;

/** Loaded profiles and each one's feature values (null when the rule language says missing). */
export interface FeatureMatrix {
  target: Target;
  features: SuggestionFeature[];
  records: ProfileRecord[];
  values: Array<Array<number | null>>;
}

/**
 * Loads the profiles (only what the features read) and computes each feature through the rule
 * language's evaluator, so a feature's value is exactly what a rule on its expression compares.
 */
export async function loadFeatureMatrix(
  scope: WorkspaceScope,
  target: Target,
  features: SuggestionFeature[],
  ids: readonly string[],
): Promise<FeatureMatrix> {
  const now = scope.clock();
  const schema = await loadFieldSchema(scope);
  const checked = validateRule(features.map(presenceText).join(' or '), { target, schema });
  if (!checked.ok) throw new Error(`invariant: suggestion features do not check: ${checked.diagnostics[0]?.message ?? ''}`);
  const rule = checked.rule;
  const records: ProfileRecord[] = [];
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = ids.slice(start, start + batchSize);
    const loaded: Map<string, ProfileRecord> =
      target === 'person' ? await loadPersonRecords(scope, batch, { rule, now }) : await loadAccountRecords(scope, batch, { rule, now });
    for (const id of batch) {
      const record = loaded.get(id);
      if (record) records.push(record);
    }
  }
  // Features name no calendar window, so the workspace's timezone cannot change a value.
  const values = records.map((record) =>
    explainRule(rule, record, now, 'UTC').conditions.map((condition, i) => featureValue(features[i]!, condition.actual, now.getTime())),
  );
  return { target, features, records, values };
}

function featureValue(feature: SuggestionFeature, actual: unknown, now: number): number | null {
  if (actual === null || actual === undefined) return feature.kind === 'category' ? 0 : null;
  switch (feature.kind) {
    case 'number':
      return typeof actual === 'number' ? actual : null;
    case 'days-since': {
      const at = actual instanceof Date ? actual.getTime() : typeof actual === 'string' ? Date.parse(actual) : Number(actual);
      return Number.isFinite(at) ? (now - at) / day : null;
    }
    case 'category':
      return actual === feature.value ? 1 : 0;
  }
}
